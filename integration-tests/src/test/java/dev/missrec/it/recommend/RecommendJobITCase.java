package dev.missrec.it.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.it.kafka.KafkaBrokerExtension;
import dev.missrec.jobs.event.ParsedClick;
import dev.missrec.jobs.function.RecommenderFactory;
import dev.missrec.jobs.job.RecommendJob;
import dev.missrec.jobs.job.RecommendJobOptions;
import dev.missrec.jobs.serde.ClickEventDeserializer;
import dev.missrec.jobs.serde.ControlEventDeserializers;
import dev.missrec.jobs.serde.DeadLetterSerializer;
import dev.missrec.jobs.serde.RecommendationSerializer;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.Recommendations;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.ErrorKind;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RecommendJob end to end on a real broker, a MiniCluster on RocksDB and a real (Markov) model:
 * every valid click yields exactly one recommendation, equal to calling the recommender directly on
 * the same sequence (across an injected failure too: that case is disabled, see its reason); every
 * bad record yields a dead letter with its reason, without a single restart.
 */
class RecommendJobITCase {
    private static final int USERS = 40;
    private static final int K = 5;
    private static final int L = 8;
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir static Path checkpoints;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    () ->
                            new MiniClusterResourceConfiguration.Builder()
                                    .setNumberTaskManagers(1)
                                    .setNumberSlotsPerTaskManager(2)
                                    .setConfiguration(clusterConfig())
                                    .build());

    private static Configuration clusterConfig() {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        return c;
    }

    /** The clicks written for a run, and the history each one's recommendation must come from. */
    private record Stream(int clicks, Map<String, List<String>> historyByEvent) {}

    @Test
    void shouldRecommendOncePerClickExactlyAsTheModelDoesAndDeadLetterBadRecordsWithoutRestarts()
            throws Exception {
        String p = "a-";
        SyntheticMarkovRecommenderFactory factory = new SyntheticMarkovRecommenderFactory(11);
        createTopics(p);
        ClickLog log = new ClickLog(p + "clicks");
        Stream good = writeClicks(log, factory.dataset());
        List<ErrorKind> expectedDead = writeBadClicks(log, factory.dataset());
        // the first delivery of the duplicated event is a valid click of its own
        Map<String, List<String>> expected = new HashMap<>(good.historyByEvent());
        expected.put("dup-1", List.of(factory.dataset().itemTokens()[1]));
        Stream stream = new Stream(good.clicks() + 1, expected);
        log.send(0);

        // no restart allowed: bad input must never fail the job
        runBounded(p, factory, log);

        assertRecommendations(p, stream, factory);
        List<DeadLetter> letters = readDeadLetters(p, expectedDead.size());
        assertThat(letters)
                .extracting(DeadLetter::getErrorKind)
                .containsExactlyInAnyOrderElementsOf(expectedDead);
        assertThat(letters).allSatisfy(d -> assertThat(d.getErrorMessage()).isNotBlank());
        assertThat(letters)
                .filteredOn(d -> d.getErrorKind() == ErrorKind.UNKNOWN_ITEM)
                .singleElement()
                .satisfies(d -> assertThat(d.getErrorMessage()).contains("no-such-item"));
    }

    @Test
    void shouldStillDeliverEveryRecommendationExactlyOnceAfterAnInjectedFailure() throws Exception {
        String p = "b-";
        FailOnceFactory factory =
                new FailOnceFactory(new SyntheticMarkovRecommenderFactory(12), checkpoints);
        createTopics(p);
        ClickLog log = new ClickLog(p + "clicks");
        Stream stream = writeClicks(log, factory.delegate.dataset());

        // the production (unbounded) sources; clicks trickle in once the job serves, so
        // checkpoints complete mid-stream and the failure hits after one of them
        RecommendJobOptions options = options(p);
        StreamExecutionEnvironment env = environment(3);
        RecommendJob.onKafka(options, factory).addTo(env);
        JobClient job = env.executeAsync("recommend-job-it-" + p);
        try {
            // a write that failed must fail the test as such, not read as clicks the job lost
            log.sendInBackground(10, FailOnceFactory.SERVING).get(5, TimeUnit.MINUTES);
            assertRecommendations(p, stream, factory.delegate);
        } finally {
            job.cancel().get();
        }
        assertThat(FailOnceFactory.FAILED).as("the failure was injected").isTrue();
    }

    private static void createTopics(String p) throws Exception {
        KAFKA.createTopic(p + "clicks", 3);
        KAFKA.createTopic(p + "recs", 3);
        KAFKA.createTopic(p + "dlq", 1);
        KAFKA.createTopic(p + "items", 1);
        KAFKA.createTopic(p + "models", 1);
    }

    /** Each of the first USERS users' whole sequence as clicks in time order. */
    private static Stream writeClicks(ClickLog log, SequenceDataset data) {
        Map<String, List<String>> historyByEvent = new HashMap<>();
        int clicks = 0;
        for (SequenceExample c : data.test().subList(0, USERS)) {
            String user = "user-" + c.user();
            List<String> seq = new ArrayList<>();
            int[] all = Arrays.copyOf(c.history(), c.history().length + 1);
            all[all.length - 1] = c.target();
            for (int i = 0; i < all.length; i++) {
                String item = data.itemTokens()[all[i]];
                seq.add(item);
                String eventId = log.topic + "-" + user + "-" + i;
                historyByEvent.put(
                        eventId, List.copyOf(seq.subList(Math.max(0, seq.size() - L), seq.size())));
                log.add(user, click(eventId, user, item, T0 + 1_000L * i));
                clicks++;
            }
        }
        return new Stream(clicks, historyByEvent);
    }

    /** Adds one record of every kind the job must dead-letter; returns the expected kinds. */
    private static List<ErrorKind> writeBadClicks(ClickLog log, SequenceDataset data) {
        String known = data.itemTokens()[1];
        log.addRaw("x", new byte[] {1, 2, 3});
        log.addRaw("y", new byte[0]);
        log.addRaw("z", new byte[100_000]);
        log.add("bad-1", click("bad-blank", "bad-1", "", T0));
        log.add(
                "bad-2",
                click("bad-future", "bad-2", known, T0 + Duration.ofDays(3650 * 3).toMillis()));
        log.add("bad-3", click("bad-epoch", "bad-3", known, -5));
        log.add("bad-4", click("bad-unknown", "bad-4", "no-such-item", T0));
        // the same event twice: the second is a redelivery
        log.add("bad-5", click("dup-1", "bad-5", known, T0));
        log.add("bad-5", click("dup-1", "bad-5", known, T0));
        return List.of(
                ErrorKind.DESERIALIZATION,
                ErrorKind.DESERIALIZATION,
                ErrorKind.VALIDATION,
                ErrorKind.VALIDATION,
                ErrorKind.VALIDATION,
                ErrorKind.VALIDATION,
                ErrorKind.UNKNOWN_ITEM,
                ErrorKind.DUPLICATE);
    }

    private static RecommendJobOptions options(String p) {
        return RecommendJobOptions.fromArgs(
                "--bootstrap.servers", KAFKA.bootstrapServers(),
                "--topic.clicks", p + "clicks",
                "--topic.recommendations", p + "recs",
                "--topic.dead-letters", p + "dlq",
                "--topic.items", p + "items",
                "--topic.model-updates", p + "models",
                "--group.id", "it-" + p,
                "--k", Integer.toString(K),
                "--sequence.max-length", Integer.toString(L),
                "--inference.batch-size", "16",
                "--inference.batch-deadline", "20ms",
                "--transactional-id-prefix", p + "tx",
                "--transaction.timeout", "1min");
    }

    private static StreamExecutionEnvironment environment(int restarts) {
        Configuration jobConfig = new Configuration();
        if (restarts == 0) {
            jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        } else {
            jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
            jobConfig.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofMillis(200));
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        return env;
    }

    /** Runs the job on bounded sources that end after exactly the records of {@code log}. */
    private static JobExecutionResult runBounded(String p, RecommenderFactory factory, ClickLog log)
            throws Exception {
        RecommendJobOptions options = options(p);
        StreamExecutionEnvironment env = environment(0);
        new RecommendJob(
                        options,
                        KafkaSource.<ParsedClick>builder()
                                .setProperties(options.kafkaClientProperties())
                                .setTopics(p + "clicks")
                                .setGroupId("it-" + p)
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .setBounded(OffsetsInitializer.offsets(log.endOffsets()))
                                .setDeserializer(new ClickEventDeserializer(Duration.ofDays(1)))
                                .build(),
                        bounded(options, p + "items", ControlEventDeserializers.items()),
                        bounded(options, p + "models", ControlEventDeserializers.modelUpdates()),
                        RecommendJob.kafkaSink(
                                options, "recs", new RecommendationSerializer(p + "recs")),
                        RecommendJob.kafkaSink(options, "dlq", new DeadLetterSerializer(p + "dlq")),
                        factory)
                .addTo(env);
        return env.execute("recommend-job-it-" + p);
    }

    private static void assertRecommendations(String p, Stream stream, RecommenderFactory direct)
            throws Exception {
        List<ConsumerRecord<byte[], byte[]>> recs =
                KAFKA.readAll(
                        p + "recs",
                        IsolationLevel.READ_COMMITTED,
                        stream.clicks(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60));
        assertThat(recs).hasSize(stream.clicks());
        Map<String, Recommendation> byEvent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            Recommendation rec = Serdes.recommendation().deserialize(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(rec.getUserId());
            assertThat(byEvent.put(rec.getTriggerEventId(), rec)).as("one per click").isNull();
        }
        assertThat(byEvent.keySet()).isEqualTo(stream.historyByEvent().keySet());
        try (BatchRecommender model = direct.create()) {
            for (var e : stream.historyByEvent().entrySet()) {
                Recommendation got = byEvent.get(e.getKey());
                Recommendations want =
                        model.recommend(List.<String[]>of(e.getValue().toArray(String[]::new)), K)
                                .get(0);
                assertThat(got.getItems().stream().map(ScoredItem::getItemId).toList())
                        .as("items for %s", e.getKey())
                        .containsExactly(want.itemIds());
                assertThat(got.getModelVersion()).isEqualTo(model.modelVersion());
            }
        }
    }

    private static List<DeadLetter> readDeadLetters(String p, int expected) {
        return KAFKA
                .readAll(
                        p + "dlq",
                        IsolationLevel.READ_COMMITTED,
                        expected,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(30))
                .stream()
                .map(r -> Serdes.deadLetter().deserialize(r.value()))
                .toList();
    }

    private static ClickEvent click(String eventId, String user, String item, long time) {
        return ClickEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId(item)
                .setEventType(EventType.CLICK)
                .setEventTime(Instant.ofEpochMilli(time))
                .build();
    }

    private static <T> KafkaSource<T> bounded(
            RecommendJobOptions options, String topic, KafkaRecordDeserializationSchema<T> d) {
        return KafkaSource.<T>builder()
                .setProperties(options.kafkaClientProperties())
                .setTopics(topic)
                .setGroupId("it-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(d)
                .build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Click records with explicit partitions (a user's clicks all go to one partition, in order),
     * so the test knows the end offset of every partition before the records are written.
     */
    static final class ClickLog {
        static final int PARTITIONS = 3;
        final String topic;
        private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final long[] counts = new long[PARTITIONS];

        ClickLog(String topic) {
            this.topic = topic;
        }

        void add(String user, ClickEvent e) {
            addRaw(user, Serdes.clickEvent().serialize(e));
        }

        void addRaw(String user, byte[] value) {
            int partition = Math.floorMod(user.hashCode(), PARTITIONS);
            counts[partition]++;
            records.add(new ProducerRecord<>(topic, partition, utf8(user), value));
        }

        Map<org.apache.kafka.common.TopicPartition, Long> endOffsets() {
            Map<org.apache.kafka.common.TopicPartition, Long> end = new HashMap<>();
            for (int i = 0; i < PARTITIONS; i++) {
                end.put(new org.apache.kafka.common.TopicPartition(topic, i), counts[i]);
            }
            return end;
        }

        /** Writes every record, pausing {@code pauseMillis} after each. */
        void send(long pauseMillis) throws Exception {
            try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
                for (ProducerRecord<byte[], byte[]> r : records) {
                    producer.send(r).get();
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            }
        }

        /** Writes every record on another thread once {@code start} opens. */
        CompletableFuture<Void> sendInBackground(
                long pauseMillis, java.util.concurrent.CountDownLatch start) {
            return CompletableFuture.runAsync(
                    () -> {
                        try {
                            start.await();
                            send(pauseMillis);
                        } catch (Exception e) {
                            throw new IllegalStateException("writing the clicks failed", e);
                        }
                    });
        }
    }

    /**
     * The Markov recommender, failing once on its first batch after a checkpoint of the job has
     * completed (a checkpoint that did not exist when the factory was made): the job then restores
     * from that checkpoint and replays the clicks after the offsets stored in it.
     */
    static final class FailOnceFactory implements RecommenderFactory {
        static final AtomicBoolean FAILED = new AtomicBoolean();

        /** Opens when the first model instance is ready to serve. */
        static final java.util.concurrent.CountDownLatch SERVING =
                new java.util.concurrent.CountDownLatch(1);

        final SyntheticMarkovRecommenderFactory delegate;
        private final String checkpointDir;

        private final java.util.Set<String> earlierCheckpoints;

        FailOnceFactory(SyntheticMarkovRecommenderFactory delegate, Path checkpointDir) {
            this.delegate = delegate;
            this.checkpointDir = checkpointDir.toString();
            this.earlierCheckpoints = completedCheckpoints();
        }

        private java.util.Set<String> completedCheckpoints() {
            try (var files = java.nio.file.Files.walk(Path.of(checkpointDir))) {
                return files.filter(f -> f.getFileName().toString().equals("_metadata"))
                        .map(Path::toString)
                        .collect(java.util.stream.Collectors.toSet());
            } catch (java.io.IOException e) {
                return java.util.Set.of();
            }
        }

        private boolean aCheckpointCompleted() {
            var now = completedCheckpoints();
            return !earlierCheckpoints.containsAll(now);
        }

        @Override
        public BatchRecommender create() {
            BatchRecommender inner = delegate.create();
            SERVING.countDown();
            return new BatchRecommender() {
                @Override
                public String modelVersion() {
                    return inner.modelVersion();
                }

                @Override
                public List<Recommendations> recommend(List<String[]> histories, int k) {
                    if (!FAILED.get()
                            && aCheckpointCompleted()
                            && FAILED.compareAndSet(false, true)) {
                        throw new IllegalStateException("injected inference failure");
                    }
                    return inner.recommend(histories, k);
                }

                @Override
                public boolean knows(String itemId) {
                    return inner.knows(itemId);
                }

                @Override
                public boolean setRecommendable(String itemId, boolean recommendable) {
                    return inner.setRecommendable(itemId, recommendable);
                }

                @Override
                public int catalogSize() {
                    return inner.catalogSize();
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }
}
