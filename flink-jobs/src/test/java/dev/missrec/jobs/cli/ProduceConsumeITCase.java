package dev.missrec.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.feed.ClickStreams;
import dev.missrec.jobs.kafka.LocalKafkaBroker;
import dev.missrec.model.cli.ModelCli;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.Serdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code produce} and {@code consume} against the real local broker, run as a separate process. */
class ProduceConsumeITCase {
    private static final int USERS = 30;

    @TempDir static Path home;
    private static LocalKafkaBroker broker;
    private static String bootstrap;

    private record Result(int code, String out, String err) {}

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new LocalKafkaBroker(home.resolve("kafka"));
        bootstrap = broker.start(0, 512, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(30));
        }
    }

    private static Result run(Callable<Integer> command, String... args) {
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // anything beyond the expected count would be a duplicate: look a little longer
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    @Test
    void shouldProduceTheCatalogAndEveryClickInEventTimeOrderOntoCreatedTopics() throws Exception {
        Result r =
                run(
                        new ProduceCommand(),
                        "--synthetic",
                        "--synthetic-users",
                        Integer.toString(USERS),
                        "--bootstrap-servers",
                        bootstrap,
                        "--create-topics",
                        "--start-time",
                        "2024-01-01T00:00:00Z",
                        "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("created topic 'clicks'").contains("created topic 'items'");

        SequenceDataset data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(USERS)
                                        .optMaxHistory(Integer.MAX_VALUE)
                                        .build())
                        .generate();
        List<ClickEvent> expected =
                ClickStreams.synthesised(
                        data, Instant.parse("2024-01-01T00:00:00Z"), Duration.ofMinutes(1));

        List<ConsumerRecord<byte[], byte[]>> clicks = readAll("clicks", expected.size());
        assertThat(clicks).hasSize(expected.size());
        Instant previous = Instant.MIN;
        List<ClickEvent> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : clicks) {
            ClickEvent click = Serdes.clickEvent().deserialize(rec.value());
            assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(click.getUserId());
            assertThat(click.getEventTime()).isAfterOrEqualTo(previous);
            previous = click.getEventTime();
            decoded.add(click);
        }
        assertThat(decoded).isEqualTo(expected);

        List<ConsumerRecord<byte[], byte[]>> items = readAll("items", data.numItems() - 1);
        assertThat(items).hasSize(data.numItems() - 1);
        ItemFeatures first = Serdes.itemFeatures().deserialize(items.get(0).value());
        assertThat(first.getStatus()).isEqualTo(ItemStatus.ACTIVE);
        assertThat(first.getText()).isEqualTo(data.itemTexts()[1]);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, "items");
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }

        // a second run finds the topics there and appends
        Result again =
                run(
                        new ProduceCommand(),
                        "--synthetic",
                        "--synthetic-users",
                        Integer.toString(USERS),
                        "--bootstrap-servers",
                        bootstrap,
                        "--create-topics",
                        "--no-items",
                        "--limit",
                        "5",
                        "--no-progress");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("created topic");
        assertThat(readAll("clicks", expected.size() + 5)).hasSize(expected.size() + 5);
    }

    @Test
    void shouldPrintCommittedRecommendationsWithItemTextAndSkipBadOnes() throws Exception {
        String topic = "recs-it";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties tx = new Properties();
        tx.put("bootstrap.servers", bootstrap);
        tx.put("transactional.id", "consume-it");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(tx, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            // an aborted transaction: a read_committed reader must never see it
            producer.beginTransaction();
            producer.send(record(topic, rec("uAborted", "1"))).get();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "x".getBytes(), new byte[] {1, 2, 3}));
            producer.send(record(topic, rec("u1", "4", "17")));
            producer.send(record(topic, rec("u2", "8")));
            producer.send(record(topic, rec("u3", "120", "5", "6")));
            producer.commitTransaction();
        }

        Result r =
                run(
                        new ConsumeCommand(),
                        "--bootstrap-servers",
                        bootstrap,
                        "--topic",
                        topic,
                        "--from",
                        "earliest",
                        "--max",
                        "3",
                        "--timeout",
                        "30s",
                        "--synthetic");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .doesNotContain("uAborted")
                .contains("user u1  model v1  trigger Synthetic-u1-0")
                .containsPattern("  1\\.    1\\.0000  4   item 4 topic \\d+\n")
                .containsPattern("  2\\.    0\\.5000  17  item 17 topic \\d+\n")
                .contains("user u2")
                .containsPattern("8  item 8 topic \\d+")
                .contains("user u3")
                .containsPattern("  3\\.    0\\.0000  6    item 6 topic \\d+\n");
        assertThat(r.err())
                .contains("warning: skipped undecodable record " + topic + "-0@")
                .contains("BAD_HEADER")
                .contains("consumed 3 recommendations");
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Recommendation r) {
        return new ProducerRecord<>(
                topic,
                r.getUserId().getBytes(StandardCharsets.UTF_8),
                Serdes.recommendation().serialize(r));
    }

    private static Recommendation rec(String user, String... itemIds) {
        List<ScoredItem> items = new ArrayList<>();
        for (int i = 0; i < itemIds.length; i++) {
            items.add(new ScoredItem(itemIds[i], 1f - i * 0.5f));
        }
        return Recommendation.newBuilder()
                .setUserId(user)
                .setItems(items)
                .setModelVersion("v1")
                .setTriggerEventId("Synthetic-" + user + "-0")
                .setTriggerEventTime(Instant.parse("2024-01-01T00:00:00Z"))
                .setProducedTime(Instant.now())
                .build();
    }
}
