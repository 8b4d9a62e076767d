package dev.missrec.jobs.bench;

import dev.missrec.jobs.function.RecommenderFactory;
import dev.missrec.jobs.job.RecommendJob;
import dev.missrec.jobs.job.RecommendJobOptions;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.serde.Serdes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures the RecommendJob end to end on a real broker (clicks topic → local Flink MiniCluster on
 * RocksDB → recommendations topic) and, in the same run, the recommender it serves with called
 * directly, at the job's batch size:
 *
 * <ol>
 *   <li><b>engine</b>: the histories the job would score for the click stream (each user's last L
 *       items), in batches of the job's batch size, one thread, after a warm-up;
 *   <li><b>warm-up</b>: one unmeasured at-least-once pass over the clicks, so that the JIT
 *       compilers of this JVM and of the broker are done with the job's code paths before anything
 *       is measured (without it the first measured phase, at-least-once, reached 0.62–0.84 × the
 *       engine in five runs while exactly-once, measured later, reached 0.78–1.09);
 *   <li><b>sustained throughput</b> per delivery guarantee (both before the latency phases): the
 *       clicks are written first, then a job reads the backlog; events/s = recommendations / the
 *       span of their produce times;
 *   <li><b>latency at half load</b>: a fresh job, clicks paced at half the measured throughput;
 *       latency = produce time of a recommendation − Kafka timestamp of its click (the job's
 *       processing, queueing and batching included; the exactly-once commit delay is not). The
 *       measured clicks follow {@code latencyWarmUp} of paced warm-up clicks, which are not
 *       measured: copies of the stream for other users (ids suffixed {@code ~warmN}). Paced load
 *       runs code paths the backlog did not (small fetches, timers, transactions at low rates), and
 *       code run once per event or per batch reaches the JIT's thresholds slowly at half load:
 *       measured on 2 cores, the C2 compilers of this JVM and of the broker took 21–36% and 13–43%
 *       of a core through the first 30 s of a paced phase, and 1.5% each after 60 s. A long-running
 *       job is past that; the p99 would otherwise measure it. Every click of the phase is
 *       re-stamped one second after the one before, in the order sent, so that the warm-up clicks
 *       precede the measured ones in event time too (the dataset's event times are synthesised the
 *       same way).
 * </ol>
 */
public final class PipelineBenchmark {

    /** What to run. */
    public record Settings(
            String bootstrapServers,
            int parallelism,
            int batchSize,
            Duration batchDeadline,
            int k,
            int maxSequenceLength,
            Duration checkpointInterval,
            Duration latencyPhase,
            Duration latencyWarmUp,
            Path stateDir) {}

    /** The latency distribution of one phase, in milliseconds. */
    public record Latency(double p50, double p99, int samples) {}

    /** One delivery guarantee's results. */
    public record Mode(DeliveryGuarantee delivery, double eventsPerSecond, Latency latency) {}

    /** The whole run. */
    public record Result(double engineSequencesPerSecond, List<Mode> modes) {
        /** The JSON scripts read: {@code engine_seq_per_s} and one entry per delivery guarantee. */
        public String toJson() {
            StringBuilder b = new StringBuilder();
            b.append("{\"engine_seq_per_s\": ").append(num(engineSequencesPerSecond));
            b.append(", \"modes\": [");
            for (int i = 0; i < modes.size(); i++) {
                Mode m = modes.get(i);
                b.append(i == 0 ? "" : ", ")
                        .append("{\"delivery\": \"")
                        .append(
                                m.delivery() == DeliveryGuarantee.EXACTLY_ONCE
                                        ? "exactly-once"
                                        : "at-least-once")
                        .append("\", \"events_per_s\": ")
                        .append(num(m.eventsPerSecond()))
                        .append(", \"ratio_to_engine\": ")
                        .append(num(m.eventsPerSecond() / engineSequencesPerSecond))
                        .append(", \"latency_ms_at_half_load\": {\"p50\": ")
                        .append(num(m.latency().p50()))
                        .append(", \"p99\": ")
                        .append(num(m.latency().p99()))
                        .append("}}");
            }
            return b.append("]}").toString();
        }

        private static String num(double v) {
            return String.format(java.util.Locale.ROOT, "%.3f", v);
        }
    }

    private final RecommenderFactory factory;
    private final Settings settings;
    private final PrintStream log;

    public PipelineBenchmark(RecommenderFactory factory, Settings settings, PrintStream log) {
        this.factory = factory;
        this.settings = settings;
        this.log = log;
    }

    /** Runs every phase on {@code clicks} (in event-time order). */
    public Result run(List<ClickEvent> clicks) throws Exception {
        if (clicks.size() < 2 * settings.batchSize()) {
            throw new IllegalArgumentException(
                    "need at least "
                            + 2 * settings.batchSize()
                            + " clicks (two batches), got "
                            + clicks.size());
        }
        double engine = engineThroughput(clicks);
        log.printf("engine: %.1f sequences/s at batch size %d%n", engine, settings.batchSize());
        double warmUp = sustainedThroughput(DeliveryGuarantee.AT_LEAST_ONCE, clicks);
        log.printf("warm-up pass (not measured): %.1f events/s%n", warmUp);
        List<DeliveryGuarantee> guarantees =
                List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
        // both throughput phases first: each latency phase then runs on JVMs (job and broker)
        // that have run the job's code for minutes, as a long-running task manager has
        Map<DeliveryGuarantee, Double> rates = new java.util.EnumMap<>(DeliveryGuarantee.class);
        for (DeliveryGuarantee d : guarantees) {
            double rate = sustainedThroughput(d, clicks);
            log.printf("%s: %.1f events/s sustained (%.2f x engine)%n", d, rate, rate / engine);
            rates.put(d, rate);
        }
        List<Mode> modes = new ArrayList<>();
        for (DeliveryGuarantee d : guarantees) {
            double rate = rates.get(d);
            Latency latency = latencyAt(d, clicks, rate / 2);
            log.printf(
                    "%s: at %.1f events/s, latency p50 %.1f ms, p99 %.1f ms (%d events after a"
                            + " %d s warm-up)%n",
                    d,
                    rate / 2,
                    latency.p50(),
                    latency.p99(),
                    latency.samples(),
                    settings.latencyWarmUp().toSeconds());
            modes.add(new Mode(d, rate, latency));
        }
        return new Result(engine, modes);
    }

    /** The histories the job scores for {@code clicks}: each user's last L items so far. */
    List<String[]> histories(List<ClickEvent> clicks) {
        Map<String, Deque<String>> byUser = new HashMap<>();
        List<String[]> out = new ArrayList<>(clicks.size());
        for (ClickEvent c : clicks) {
            Deque<String> seq = byUser.computeIfAbsent(c.getUserId(), u -> new ArrayDeque<>());
            seq.addLast(c.getItemId());
            if (seq.size() > settings.maxSequenceLength()) {
                seq.removeFirst();
            }
            out.add(seq.toArray(String[]::new));
        }
        return out;
    }

    private double engineThroughput(List<ClickEvent> clicks) throws Exception {
        List<String[]> histories = histories(clicks);
        int b = settings.batchSize();
        try (BatchRecommender model = factory.create()) {
            // warm-up: the first calls allocate, pick kernels and get compiled by the JIT
            for (int i = 0; i < Math.min(20, histories.size() / b); i++) {
                model.recommend(histories.subList(i * b, (i + 1) * b), settings.k());
            }
            int scored = 0;
            long start = System.nanoTime();
            for (int from = 0; from + b <= histories.size(); from += b) {
                model.recommend(histories.subList(from, from + b), settings.k());
                scored += b;
            }
            return scored / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double sustainedThroughput(DeliveryGuarantee delivery, List<ClickEvent> clicks)
            throws Exception {
        Topics t = new Topics("tput");
        write(t.clicks(), clicks, 0);
        JobClient job = start(delivery, t);
        try {
            List<Recommendation> recs =
                    read(t.recs(), clicks.size(), timeoutFor(clicks.size(), 50));
            if (recs.size() < clicks.size()) {
                throw new IllegalStateException(
                        "only "
                                + recs.size()
                                + " of "
                                + clicks.size()
                                + " recommendations arrived ("
                                + delivery
                                + ")");
            }
            return sustainedRate(
                    recs.stream().mapToLong(r -> r.getProducedTime().toEpochMilli()).toArray());
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Recommendations per second between the 10th and the 90th percentile of their produce times:
     * the steady state, without the job's first (JIT-cold) and last (draining) moments.
     */
    static double sustainedRate(long[] producedMillis) {
        long[] t = producedMillis.clone();
        Arrays.sort(t);
        int from = t.length / 10;
        int to = t.length * 9 / 10;
        return (to - from) / (Math.max(1, t[to] - t[from]) / 1000.0);
    }

    private Latency latencyAt(DeliveryGuarantee delivery, List<ClickEvent> clicks, double rate)
            throws Exception {
        Topics t = new Topics("lat");
        JobClient job = start(delivery, t);
        try {
            // one click until its recommendation arrives: the job is serving
            write(t.clicks(), clicks.subList(0, 1), 0);
            if (read(t.recs(), 1, Duration.ofMinutes(3)).isEmpty()) {
                throw new IllegalStateException("the job did not serve within 3 minutes");
            }
            int warm = (int) Math.round(rate * settings.latencyWarmUp().toMillis() / 1000.0);
            int n = (int) Math.min(clicks.size() - 1, Math.max(100, rate * latencyPhaseSeconds()));
            List<ClickEvent> paced =
                    pacedStream(clicks.get(0), clicks.subList(1, clicks.size()), warm, n);
            write(t.clicks(), paced, rate);
            List<Recommendation> all =
                    read(t.recs(), 1 + warm + n, timeoutFor(warm + n, rate / 10));
            java.util.Set<String> measured = new java.util.HashSet<>();
            for (ClickEvent c : paced.subList(warm, warm + n)) {
                measured.add(c.getEventId());
            }
            // the measured clicks' recommendations, in the order they arrived
            List<Recommendation> recs = new ArrayList<>();
            for (Recommendation r : all) {
                if (measured.contains(r.getTriggerEventId())) {
                    recs.add(r);
                }
            }
            double[] millis =
                    recs.stream()
                            .filter(r -> r.getEndToEndLatencyMillis() != null)
                            .mapToDouble(Recommendation::getEndToEndLatencyMillis)
                            .sorted()
                            .toArray();
            if (millis.length < n * 0.99) {
                throw new IllegalStateException(
                        "only " + millis.length + " of " + n + " recommendations arrived");
            }
            // where the time goes: the model call's share, and how full the batches were
            double[] inference =
                    recs.stream()
                            .filter(r -> r.getInferenceLatencyMicros() != null)
                            .mapToDouble(r -> r.getInferenceLatencyMicros() / 1000.0)
                            .sorted()
                            .toArray();
            long batches =
                    recs.stream()
                            .map(
                                    r ->
                                            r.getProducedTime().toEpochMilli()
                                                    + "/"
                                                    + r.getInferenceLatencyMicros())
                            .distinct()
                            .count();
            log.printf(
                    "%s: model call p50 %.1f ms, p99 %.1f ms; mean batch %.1f%n",
                    delivery,
                    percentile(inference, 50),
                    percentile(inference, 99),
                    (double) inference.length / Math.max(1, batches));
            return new Latency(percentile(millis, 50), percentile(millis, 99), millis.length);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * The paced phase's clicks after {@code first} (already sent): {@code warm} warm-up copies of
     * {@code rest} for other users (cycled as often as needed; user and event ids suffixed {@code
     * ~warmN}), then the first {@code measured} clicks of {@code rest} as they are; all re-stamped
     * one second apart after {@code first}, in this order.
     */
    static List<ClickEvent> pacedStream(
            ClickEvent first, List<ClickEvent> rest, int warm, int measured) {
        List<ClickEvent> out = new ArrayList<>(warm + measured);
        for (int i = 0; i < warm; i++) {
            ClickEvent c = rest.get(i % rest.size());
            String suffix = "~warm" + i / rest.size();
            out.add(
                    ClickEvent.newBuilder(c)
                            .setUserId(c.getUserId() + suffix)
                            .setEventId(c.getEventId() + suffix)
                            .build());
        }
        out.addAll(rest.subList(0, measured));
        java.time.Instant t = first.getEventTime();
        for (int i = 0; i < out.size(); i++) {
            t = t.plusSeconds(1);
            out.set(i, ClickEvent.newBuilder(out.get(i)).setEventTime(t).build());
        }
        return out;
    }

    private double latencyPhaseSeconds() {
        return settings.latencyPhase().toMillis() / 1000.0;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static Duration timeoutFor(int events, double slowestRate) {
        return Duration.ofSeconds(120 + (long) (events / Math.max(1, slowestRate)));
    }

    private JobClient start(DeliveryGuarantee delivery, Topics t) throws Exception {
        RecommendJobOptions options =
                RecommendJobOptions.fromArgs(
                        "--bootstrap.servers", settings.bootstrapServers(),
                        "--topic.clicks", t.clicks(),
                        "--topic.recommendations", t.recs(),
                        "--topic.dead-letters", t.name("dlq"),
                        "--topic.items", t.name("items"),
                        "--topic.model-updates", t.name("models"),
                        "--group.id", t.name("job"),
                        "--transactional-id-prefix", t.name("tx"),
                        "--k", Integer.toString(settings.k()),
                        "--sequence.max-length", Integer.toString(settings.maxSequenceLength()),
                        "--inference.batch-size", Integer.toString(settings.batchSize()),
                        "--inference.batch-deadline", settings.batchDeadline().toMillis() + "ms",
                        "--checkpoint.interval", settings.checkpointInterval().toMillis() + "ms",
                        "--delivery", delivery.name());
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                settings.stateDir().resolve(t.name("checkpoints")).toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(), conf);
        env.enableCheckpointing(options.checkpointInterval().toMillis());
        RecommendJob.onKafka(options, factory).addTo(env);
        return env.executeAsync("missrec-bench-" + t.run);
    }

    private void write(String topic, List<ClickEvent> clicks, double ratePerSecond)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // 5 ms, as a click producer would batch (Kafka clients default to 5 since 4.0): one
        // request per click would cost the broker and the job a fetch per click on these 2 cores
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        dev.missrec.jobs.feed.Pacer pacer =
                ratePerSecond > 0 ? dev.missrec.jobs.feed.Pacer.system(ratePerSecond) : null;
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                dev.missrec.jobs.kafka.Topics.MAX_IN_FLIGHT_FOR_NEW_TOPICS);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ClickEvent c : clicks) {
                if (pacer != null) {
                    pacer.awaitNext();
                }
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                c.getUserId().getBytes(StandardCharsets.UTF_8),
                                Serdes.clickEvent().serialize(c)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        // a click the broker never stored would read as one the job lost
        if (failure.get() != null || acknowledged.get() != clicks.size()) {
            throw new IllegalStateException(
                    "writing the clicks to "
                            + topic
                            + " failed: "
                            + acknowledged.get()
                            + " of "
                            + clicks.size()
                            + " acknowledged",
                    failure.get());
        }
    }

    /** Reads committed recommendations until {@code expected} arrived or the timeout passed. */
    private List<Recommendation> read(String topic, int expected, Duration timeout) {
        Properties p =
                dev.missrec.jobs.kafka.Consumers.readCommittedFromStart(
                        settings.bootstrapServers(), "bench-reader-" + UUID.randomUUID());
        List<Recommendation> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(Serdes.recommendation().deserialize(r.value()));
                }
            }
        }
        return out;
    }

    /** Fresh topics for one phase, so that no phase reads another's records. */
    private final class Topics {
        final String run;

        Topics(String phase) throws Exception {
            this.run = phase + "-" + UUID.randomUUID().toString().substring(0, 8);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
                List<NewTopic> topics = new ArrayList<>();
                for (String t : Arrays.asList("clicks", "recs", "dlq", "items", "models")) {
                    int partitions =
                            t.equals("clicks") || t.equals("recs")
                                    ? Math.max(2, settings.parallelism())
                                    : 1;
                    topics.add(new NewTopic(name(t), partitions, (short) 1));
                }
                admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
                awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
            }
        }

        String name(String what) {
            return "bench-" + run + "-" + what;
        }

        String clicks() {
            return name("clicks");
        }

        String recs() {
            return name("recs");
        }
    }

    /**
     * Waits until the broker serves every partition of {@code topics}. An idempotent producer
     * writing to a partition the broker does not serve yet can have its first batch retried after
     * later ones were stored; the broker then refuses it as out of order, and the first clicks of
     * that partition are lost (seen here right after topic creation).
     */
    static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!allLed(admin, topics)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have no leader after 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static boolean allLed(Admin admin, List<String> topics) throws Exception {
        try {
            return admin
                    .describeTopics(topics)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .values()
                    .stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the broker has not caught up with the controller yet
            }
            throw e;
        }
    }

    private String bootstrap() {
        return settings.bootstrapServers();
    }
}
