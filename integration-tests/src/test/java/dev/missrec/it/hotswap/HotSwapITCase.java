package dev.missrec.it.hotswap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.it.kafka.KafkaBrokerExtension;
import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.jobs.job.RecommendJob;
import dev.missrec.jobs.job.RecommendJobOptions;
import dev.missrec.model.serve.RegisteredModel;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.ModelUpdate;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap in the running RecommendJob, through Kafka: a {@code ModelUpdate} whose checksum does
 * not match the registry, or whose model's feature size does not fit the served catalog, is
 * rejected and the serving model stays; a valid one switches every subtask to the new version, with
 * no recommendation lost or duplicated.
 */
class HotSwapITCase {
    private static final int USERS = 30;

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir static Path tmp;

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
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("ckpt").toUri().toString());
        return c;
    }

    @Test
    void shouldRejectABadUpdateThenSwitchEverySubtaskToAValidOneWithoutLosingOutput()
            throws Exception {
        TrainedRegistry registry = TrainedRegistry.create(tmp, 2);
        RegisteredModel v1 = registry.versions().get(0);
        RegisteredModel v2 = registry.versions().get(1);
        String p = "hs-";
        for (String t : List.of("clicks", "recs", "dlq", "items", "models")) {
            KAFKA.createTopic(p + t, t.equals("clicks") || t.equals("recs") ? 2 : 1);
        }
        RecommendJobOptions options =
                RecommendJobOptions.fromArgs(
                        "--bootstrap.servers", KAFKA.bootstrapServers(),
                        "--topic.clicks", p + "clicks",
                        "--topic.recommendations", p + "recs",
                        "--topic.dead-letters", p + "dlq",
                        "--topic.items", p + "items",
                        "--topic.model-updates", p + "models",
                        "--group.id", p + "job",
                        "--k", "5",
                        "--inference.batch-size", "8",
                        "--inference.batch-deadline", "20ms",
                        "--transactional-id-prefix", p + "tx",
                        "--transaction.timeout", "1min");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        RecommendJob.onKafka(
                        options,
                        new RegistryRecommenderFactory(
                                registry.registryDir().toString(),
                                v1.version(),
                                registry.datasetDir().toString(),
                                false))
                .addTo(env);
        JobClient job = env.executeAsync("hot-swap-it");
        try {
            String[] items = registry.data().itemTokens();
            int sent = 0;
            // 1. served by v1
            sent += clicks(p, "a", items, 0);
            Map<String, String> versions = awaitRecommendations(p, sent);
            assertThat(versions.values()).containsOnly(v1.version());

            // 2. an announcement whose manifest checksum is not the registry's: rejected
            announce(
                    p,
                    new ModelUpdate(
                            v2.version(),
                            v2.version(),
                            v1.manifestSha256(),
                            Map.of(),
                            Instant.now(),
                            null));
            Thread.sleep(2_000); // it loads and is refused in the background meanwhile
            sent += clicks(p, "b", items, 100);
            versions = awaitRecommendations(p, sent);
            assertThat(byBatch(versions, "b")).containsOnly(v1.version());

            // 2b. a valid artifact whose feature size does not fit the served catalog: rejected
            RegisteredModel misfit =
                    registry.publishVariant(tmp, "missrec-inductive", TrainedRegistry.ITEMS, 16);
            announce(
                    p,
                    new ModelUpdate(
                            misfit.version(),
                            misfit.version(),
                            misfit.manifestSha256(),
                            Map.of(),
                            Instant.now(),
                            null));
            Thread.sleep(2_000);
            sent += clicks(p, "b2", items, 120);
            versions = awaitRecommendations(p, sent);
            assertThat(byBatch(versions, "b2")).containsOnly(v1.version());

            // 3. the real announcement: both subtasks switch between two batches
            announce(
                    p,
                    new ModelUpdate(
                            v2.version(),
                            v2.version(),
                            v2.manifestSha256(),
                            Map.of(),
                            Instant.now(),
                            null));
            // probe every user (so both subtasks) until a whole round is served by v2
            int round = 0;
            boolean swapped = false;
            while (!swapped && round < 30) {
                sent += clicks(p, "probe" + round, items, 150 + round);
                versions = awaitRecommendations(p, sent);
                swapped =
                        byBatch(versions, "probe" + round).stream().allMatch(v2.version()::equals);
                round++;
            }
            assertThat(swapped).as("every subtask switched to %s", v2.version()).isTrue();
            sent += clicks(p, "c", items, 200);
            versions = awaitRecommendations(p, sent);
            assertThat(byBatch(versions, "c")).containsOnly(v2.version());
            assertThat(versions).hasSize(sent); // one per click, none lost, none twice
        } finally {
            job.cancel().get();
        }
    }

    /** One click per user (users spread over both subtasks); returns how many were sent. */
    private static int clicks(String p, String batch, String[] items, long minute)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
            for (int u = 0; u < USERS; u++) {
                String user = "user-" + u;
                ClickEvent e =
                        ClickEvent.newBuilder()
                                .setEventId(batch + "-" + user)
                                .setUserId(user)
                                .setItemId(items[1 + (u % (items.length - 1))])
                                .setEventType(EventType.CLICK)
                                .setEventTime(
                                        Instant.parse("2026-11-01T00:00:00Z")
                                                .plusSeconds(60 * minute + u))
                                .build();
                producer.send(
                                new ProducerRecord<>(
                                        p + "clicks", utf8(user), Serdes.clickEvent().serialize(e)))
                        .get();
            }
        }
        return USERS;
    }

    private static void announce(String p, ModelUpdate update) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
            producer.send(
                            new ProducerRecord<>(
                                    p + "models",
                                    utf8(update.getModelVersion()),
                                    Serdes.modelUpdate().serialize(update)))
                    .get();
        }
    }

    /**
     * Trigger event id to model version of every committed recommendation (fails on a duplicate).
     */
    private static Map<String, String> awaitRecommendations(String p, int expected) {
        Map<String, String> versions = new HashMap<>();
        for (var r :
                KAFKA.readAll(
                        p + "recs",
                        IsolationLevel.READ_COMMITTED,
                        expected,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            Recommendation rec = Serdes.recommendation().deserialize(r.value());
            assertThat(versions.put(rec.getTriggerEventId(), rec.getModelVersion()))
                    .as("duplicate recommendation for %s", rec.getTriggerEventId())
                    .isNull();
        }
        assertThat(versions).hasSize(expected);
        return versions;
    }

    private static List<String> byBatch(Map<String, String> versions, String batch) {
        return versions.entrySet().stream()
                .filter(e -> e.getKey().startsWith(batch + "-"))
                .map(Map.Entry::getValue)
                .collect(Collectors.toList());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
