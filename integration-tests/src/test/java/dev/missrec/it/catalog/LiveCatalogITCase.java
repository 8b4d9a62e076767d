package dev.missrec.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.it.kafka.KafkaBrokerExtension;
import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.jobs.job.RecommendJob;
import dev.missrec.jobs.job.RecommendJobOptions;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.RecBoleDatasetWriter;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.ModelRegistry;
import dev.missrec.model.serve.RegisteredModel;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.ErrorKind;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The cold-start promise through the running job: an item that appears on the items topic, never
 * seen in training, is recommended to a matching user within the next events — scored from its
 * features by a real trained MISSRec model — and can itself be clicked; an item record the model
 * cannot use is dead-lettered once, with the reason.
 */
class LiveCatalogITCase {
    private static final int K = 5;

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
    void shouldRecommendANewItemFromItsFeaturesWithinTheNextEvents() throws Exception {
        SequenceDataset generated =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(150)
                                        .optItems(60)
                                        .optSeed(8)
                                        .build())
                        .generate();
        Path datasetDir = tmp.resolve("synthetic");
        RecBoleDatasetWriter.write(generated, datasetDir);
        SequenceDataset data = RecBoleDatasetReader.read(datasetDir);
        RegisteredModel model = trainMissRec(data, tmp);
        RegistryRecommenderFactory factory =
                new RegistryRecommenderFactory(
                        tmp.resolve("registry").toString(), null, null, false, "cpu");

        String[] items = data.itemTokens();
        // the user clicks item A; the newcomer copies the features of the item ranked first for
        // [A, A], so an inductive model scores it exactly as that item: it must enter the top K
        String clicked = items[3];
        String twin;
        try (BatchRecommender direct = factory.create()) {
            twin =
                    direct.recommend(List.<String[]>of(new String[] {clicked, clicked}), K)
                            .get(0)
                            .itemIds()[0];
        }
        int twinId = java.util.Arrays.asList(items).indexOf(twin);

        String p = "cat-";
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
                        "--k", String.valueOf(K),
                        "--inference.batch-size", "8",
                        "--inference.batch-deadline", "20ms",
                        "--transactional-id-prefix", p + "tx",
                        "--transaction.timeout", "1min");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        RecommendJob.onKafka(options, factory).addTo(env);
        JobClient job = env.executeAsync("live-catalog-it");
        try {
            int sent = 0;
            click(p, "u1", clicked, sent++);
            List<Recommendation> recs = await(p + "recs", sent);
            assertThat(itemIds(recs.get(0))).doesNotContain("brand-new");

            publish(
                    p,
                    item(
                            "brand-new",
                            data.textFeatures().row(twinId),
                            data.imageFeatures().row(twinId)));
            publish(p, item("wrong-size", new float[7], null));

            // within the next events, the newcomer is recommended next to its twin
            boolean seen = false;
            for (int round = 0; round < 30 && !seen; round++) {
                Thread.sleep(200);
                click(p, "u1", clicked, sent++);
                recs = await(p + "recs", sent);
                Recommendation last = latest(recs, "u1");
                seen = itemIds(last).contains("brand-new");
                if (seen) {
                    assertThat(itemIds(last)).contains(twin);
                    ScoredItem a = scored(last, "brand-new");
                    ScoredItem b = scored(last, twin);
                    assertThat(a.getScore())
                            .isCloseTo(b.getScore(), org.assertj.core.api.Assertions.within(1e-4f));
                }
            }
            assertThat(seen).as("the new item was recommended within 30 events").isTrue();

            // the newcomer can be clicked: it is known, not dead-lettered, and gets recommendations
            click(p, "u2", "brand-new", sent++);
            recs = await(p + "recs", sent);
            Recommendation forNewcomer = latest(recs, "u2");
            assertThat(forNewcomer.getItems()).hasSize(K);

            // the unusable record was dead-lettered exactly once (not once per subtask), the click
            // stream never
            List<DeadLetter> dead = new ArrayList<>();
            for (var r :
                    KAFKA.readAll(
                            p + "dlq",
                            IsolationLevel.READ_COMMITTED,
                            1,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30))) {
                dead.add(Serdes.deadLetter().deserialize(r.value()));
            }
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).getErrorKind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(dead.get(0).getErrorMessage())
                    .contains("wrong-size")
                    .contains("text embedding has 7 values");
        } finally {
            job.cancel().get();
        }
    }

    private static RegisteredModel trainMissRec(SequenceDataset data, Path dir) {
        Path out = dir.resolve("missrec");
        try (TrainedScorer scorer =
                ModelCatalog.standard()
                        .trainer("missrec-inductive")
                        .fit(data, new TrainSettings("tiny", 3, 3, 1, false))) {
            ModelCatalog.standard()
                    .artifactsForKind("missrec")
                    .save(
                            scorer,
                            out,
                            new DataDescription(
                                    data.name(), data.numUsers(), data.numItems(), 0, null),
                            Map.of());
        }
        return ModelRegistry.open(dir.resolve("registry")).publishCopy(out);
    }

    private static ItemFeatures item(String id, float[] text, float[] image) {
        return ItemFeatures.newBuilder()
                .setItemId(id)
                .setStatus(ItemStatus.ACTIVE)
                .setText("a brand-new item " + id)
                .setTextEmbedding(boxed(text))
                .setImageEmbedding(boxed(image))
                .setUpdateTime(Instant.now())
                .build();
    }

    private static List<Float> boxed(float[] v) {
        if (v == null) {
            return null;
        }
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }

    private static void publish(String p, ItemFeatures item) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
            producer.send(
                            new ProducerRecord<>(
                                    p + "items",
                                    utf8(item.getItemId()),
                                    Serdes.itemFeatures().serialize(item)))
                    .get();
        }
    }

    private static void click(String p, String user, String item, int n) throws Exception {
        ClickEvent e =
                ClickEvent.newBuilder()
                        .setEventId(user + "-" + n)
                        .setUserId(user)
                        .setItemId(item)
                        .setEventType(EventType.CLICK)
                        .setEventTime(Instant.parse("2026-11-01T00:00:00Z").plusSeconds(n))
                        .build();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
            producer.send(
                            new ProducerRecord<>(
                                    p + "clicks", utf8(user), Serdes.clickEvent().serialize(e)))
                    .get();
        }
    }

    private static List<Recommendation> await(String topic, int expected) {
        List<Recommendation> out = new ArrayList<>();
        for (var r :
                KAFKA.readAll(
                        topic,
                        IsolationLevel.READ_COMMITTED,
                        expected,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(60))) {
            out.add(Serdes.recommendation().deserialize(r.value()));
        }
        assertThat(out).hasSize(expected);
        return out;
    }

    private static Recommendation latest(List<Recommendation> recs, String user) {
        return recs.stream()
                .filter(r -> r.getUserId().equals(user))
                .max(java.util.Comparator.comparing(r -> r.getTriggerEventTime()))
                .orElseThrow();
    }

    private static List<String> itemIds(Recommendation r) {
        return r.getItems().stream().map(ScoredItem::getItemId).toList();
    }

    private static ScoredItem scored(Recommendation r, String itemId) {
        return r.getItems().stream()
                .filter(i -> i.getItemId().equals(itemId))
                .findFirst()
                .orElseThrow();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
