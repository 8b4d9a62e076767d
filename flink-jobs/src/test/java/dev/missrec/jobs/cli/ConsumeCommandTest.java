package dev.missrec.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.cli.ModelCli;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.AvroJson;
import dev.missrec.schemas.serde.Serdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConsumeCommandTest {
    private static final TopicPartition P0 = new TopicPartition("recommendations", 0);

    private record Result(int code, String out, String err) {}

    private final List<Properties> configs = new ArrayList<>();

    private static MockConsumer<byte[], byte[]> consumerWith(List<byte[]> values) {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest");
        Node node = new Node(0, "localhost", 9092);
        c.updatePartitions(
                "recommendations",
                List.of(new PartitionInfo("recommendations", 0, node, null, null)));
        c.updateBeginningOffsets(Map.of(P0, 0L));
        c.updateEndOffsets(Map.of(P0, (long) values.size()));
        // records can only be added once the command has assigned the partition
        c.schedulePollTask(
                () -> {
                    for (int i = 0; i < values.size(); i++) {
                        c.addRecord(
                                new ConsumerRecord<>("recommendations", 0, i, null, values.get(i)));
                    }
                });
        return c;
    }

    private Result run(ConsumeCommand cmd, MockConsumer<byte[], byte[]> consumer, String... args) {
        cmd.consumerFactory =
                props -> {
                    configs.add(props);
                    return consumer;
                };
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(cmd));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Recommendation rec(String user, String... itemIds) {
        List<ScoredItem> items = new ArrayList<>();
        for (int i = 0; i < itemIds.length; i++) {
            items.add(new ScoredItem(itemIds[i], 1f - i * 0.25f));
        }
        return Recommendation.newBuilder()
                .setUserId(user)
                .setItems(items)
                .setModelVersion("v1")
                .setTriggerEventId("Synthetic-" + user + "-3")
                .setTriggerEventTime(Instant.parse("2024-01-01T00:03:00Z"))
                .setProducedTime(Instant.parse("2026-11-30T09:00:00Z"))
                .setEndToEndLatencyMillis(12L)
                .setInferenceLatencyMicros(900L)
                .build();
    }

    private static byte[] bytes(Recommendation r) {
        return Serdes.recommendation().serialize(r);
    }

    @Test
    void shouldPrintRecommendationsWithItemTextAndWarnAboutUndecodableRecords() {
        // synthetic item token "4" is internal item 5, whose text is "item 4 topic <t>"
        List<byte[]> values =
                List.of(
                        bytes(rec("u1", "4", "17")),
                        "not avro".getBytes(),
                        bytes(rec("u2", "150")),
                        bytes(rec("u3", "9")));
        MockConsumer<byte[], byte[]> consumer = consumerWith(values);
        Result r =
                run(
                        new ConsumeCommand(),
                        consumer,
                        "--synthetic",
                        "--from",
                        "earliest",
                        "--max",
                        "2");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("user u1  model v1  trigger Synthetic-u1-3 @ 2024-01-01T00:03:00Z")
                .contains("latency end-to-end 12 ms, inference 900 us")
                .containsPattern("  1\\.    1\\.0000  4   item 4 topic \\d+\n")
                .containsPattern("  2\\.    0\\.7500  17  item 17 topic \\d+\n")
                .contains("user u2")
                .containsPattern("150  item 150 topic \\d+")
                .doesNotContain("user u3"); // --max 2
        assertThat(r.err())
                .contains("warning: skipped undecodable record recommendations-0@1: BAD_HEADER")
                .contains("consumed 2 recommendations from 'recommendations', skipped 1");
        assertThat(configs.get(0).getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(consumer.assignment()).containsExactly(P0);
    }

    @Test
    void shouldPrintOneAvroJsonLinePerRecordThatReadsBack() {
        Recommendation a = rec("u1", "4", "17");
        Recommendation b = rec("u2", "8");
        Result r =
                run(
                        new ConsumeCommand(),
                        consumerWith(List.of(bytes(a), bytes(b))),
                        "--json",
                        "--from",
                        "earliest",
                        "--max",
                        "2");
        assertThat(r.code()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(AvroJson.fromJson(lines[0], Recommendation.class)).isEqualTo(a);
        assertThat(AvroJson.fromJson(lines[1], Recommendation.class)).isEqualTo(b);
    }

    @Test
    void shouldPrintIdsOnlyWithoutADataset() {
        Result r =
                run(
                        new ConsumeCommand(),
                        consumerWith(List.of(bytes(rec("u1", "4")))),
                        "--from",
                        "earliest",
                        "--max",
                        "1");
        assertThat(r.out()).endsWith("  1.    1.0000  4\n");
    }

    @Test
    void shouldStopAfterTheIdleTimeout() {
        long[] now = {0};
        ConsumeCommand cmd = new ConsumeCommand();
        // every look at the clock is 100 ms later: the 2 s timeout passes after ~20 empty polls
        cmd.nanoClock = () -> now[0] += 100_000_000L;
        Result r =
                run(
                        cmd,
                        consumerWith(List.of(bytes(rec("u1", "4")))),
                        "--from",
                        "earliest",
                        "--timeout",
                        "2s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("user u1");
        assertThat(r.err()).contains("consumed 1 recommendation from");
    }

    @Test
    void shouldExitOneWhenTheTopicDoesNotExist() {
        long[] now = {0};
        ConsumeCommand cmd = new ConsumeCommand();
        cmd.nanoClock = () -> now[0] += 1_000_000_000L;
        MockConsumer<byte[], byte[]> empty = new MockConsumer<>("earliest");
        Result r = run(cmd, empty, "--topic", "nope", "--timeout", "1s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("consume failed: topic 'nope' not found at localhost:9092");
    }

    @Test
    void shouldExitTwoOnBadArguments() {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest");
        Result from = run(new ConsumeCommand(), c, "--from", "middle");
        assertThat(from.code()).isEqualTo(2);
        assertThat(from.err()).contains("--from must be earliest or latest");
        assertThat(run(new ConsumeCommand(), c, "--max", "-1").code()).isEqualTo(2);
        assertThat(run(new ConsumeCommand(), c, "--timeout", "0s").code()).isEqualTo(2);
    }
}
