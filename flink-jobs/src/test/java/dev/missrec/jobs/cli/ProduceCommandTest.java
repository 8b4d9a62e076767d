package dev.missrec.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.feed.ClickStreams;
import dev.missrec.jobs.feed.Pacer;
import dev.missrec.model.cli.ModelCli;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.serde.Serdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandTest {

    private static final String[] SMALL = {
        "--synthetic",
        "--synthetic-users",
        "12",
        "--synthetic-items",
        "30",
        "--synthetic-topics",
        "3",
        "--synthetic-dim",
        "4",
        "--no-progress"
    };

    private record Result(int code, String out, String err) {}

    private final List<Properties> configs = new ArrayList<>();

    private Result run(ProduceCommand cmd, MockProducer<byte[], byte[]> producer, String... args) {
        cmd.producerFactory =
                props -> {
                    configs.add(props);
                    return producer;
                };
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(cmd));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String[] args(String... extra) {
        List<String> all = new ArrayList<>(List.of(SMALL));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    private static MockProducer<byte[], byte[]> mock() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static SequenceDataset small() {
        return new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.builder()
                                .optUsers(12)
                                .optItems(30)
                                .optTopics(3)
                                .optFeatureDim(4)
                                .optMaxHistory(Integer.MAX_VALUE)
                                .build())
                .generate();
    }

    private static String key(ProducerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTheCatalogFirstThenEveryClickInEventTimeOrderKeyedByUser() {
        MockProducer<byte[], byte[]> producer = mock();
        Result r =
                run(
                        new ProduceCommand(),
                        producer,
                        args("--start-time", "2024-01-01T00:00:00Z", "--step", "10s"));

        assertThat(r.code()).as(r.err()).isZero();
        List<ClickEvent> expected =
                ClickStreams.synthesised(
                        small(), Instant.parse("2024-01-01T00:00:00Z"), Duration.ofSeconds(10));
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(30 + expected.size());

        for (int i = 0; i < 30; i++) {
            ProducerRecord<byte[], byte[]> rec = sent.get(i);
            assertThat(rec.topic()).isEqualTo("items");
            ItemFeatures item = Serdes.itemFeatures().deserialize(rec.value());
            assertThat(key(rec)).isEqualTo(item.getItemId());
            assertThat(item.getUpdateTime()).isBefore(Instant.parse("2024-01-01T00:00:00Z"));
        }
        List<ClickEvent> clicks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> rec : sent.subList(30, sent.size())) {
            assertThat(rec.topic()).isEqualTo("clicks");
            ClickEvent click = Serdes.clickEvent().deserialize(rec.value());
            assertThat(key(rec)).isEqualTo(click.getUserId());
            clicks.add(click);
        }
        assertThat(clicks).isEqualTo(expected);
        assertThat(r.out())
                .contains("produced " + expected.size() + " clicks to 'clicks'")
                .contains("and 30 items to 'items'");
    }

    @Test
    void shouldConfigureAnIdempotentAllAcksProducerWithPassthroughOnTop() {
        run(
                new ProduceCommand(),
                mock(),
                args(
                        "--bootstrap-servers", "broker:1234",
                        "--kafka", "linger.ms=5",
                        "--kafka", "security.protocol=SSL"));
        Properties p = configs.get(0);
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("broker:1234");
        assertThat(p.getProperty("enable.idempotence")).isEqualTo("true");
        assertThat(p.getProperty("acks")).isEqualTo("all");
        assertThat(p.getProperty("linger.ms")).isEqualTo("5");
        assertThat(p.getProperty("security.protocol")).isEqualTo("SSL");
    }

    @Test
    void shouldSendOnlyTheFirstClicksAndNoItemsWhenAsked() {
        MockProducer<byte[], byte[]> producer = mock();
        Result r =
                run(
                        new ProduceCommand(),
                        producer,
                        args("--limit", "7", "--no-items", "--clicks-topic", "c2"));
        assertThat(r.code()).isZero();
        assertThat(producer.history()).hasSize(7).allMatch(rec -> rec.topic().equals("c2"));
        assertThat(r.out()).contains("produced 7 clicks to 'c2'").contains("0 items");
    }

    @Test
    void shouldEndTheDefaultStreamNoLaterThanNow() {
        MockProducer<byte[], byte[]> producer = mock();
        Instant before = Instant.now();
        run(new ProduceCommand(), producer, args("--no-items", "--step", "1h"));
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        Instant first = Serdes.clickEvent().deserialize(sent.get(0).value()).getEventTime();
        Instant last =
                Serdes.clickEvent().deserialize(sent.get(sent.size() - 1).value()).getEventTime();
        assertThat(last).isBeforeOrEqualTo(Instant.now());
        // with a one-hour step the stream reaches back several hours before now
        assertThat(first).isBefore(before.minus(Duration.ofHours(2)));
    }

    @Test
    void shouldPaceEveryClickThroughThePacer() {
        long[] now = {0};
        ProduceCommand cmd = new ProduceCommand();
        cmd.pacer = new Pacer(50, () -> now[0], nanos -> now[0] += nanos);
        MockProducer<byte[], byte[]> producer = mock();
        Result r = run(cmd, producer, args("--no-items", "--rate", "50"));
        assertThat(r.code()).isZero();
        int clicks = producer.history().size();
        assertThat(cmd.pacer.issued()).isEqualTo(clicks);
        // clicks-1 intervals of 20 ms on the fake clock
        assertThat(now[0]).isEqualTo((clicks - 1) * 20_000_000L);
    }

    @Test
    void shouldExitOneNamingTheTopicWhenTheBrokerRejectsAClick() {
        MockProducer<byte[], byte[]> failing =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    private int clicks;

                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<byte[], byte[]> record, Callback callback) {
                        if (record.topic().equals("clicks") && ++clicks == 5) {
                            var e = new NotEnoughReplicasException("not enough in-sync replicas");
                            callback.onCompletion(null, e);
                            return CompletableFuture.failedFuture(e);
                        }
                        return super.send(record, callback);
                    }
                };
        Result r = run(new ProduceCommand(), failing, args());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("produce failed: sending to topic 'clicks' failed after")
                .contains("NotEnoughReplicasException: not enough in-sync replicas");
        // it stopped at the failure instead of sending the rest
        assertThat(failing.history()).hasSize(30 + 4);
    }

    @Test
    void shouldExitTwoOnBadArguments(@TempDir Path dir) {
        assertThat(run(new ProduceCommand(), mock(), "--no-progress").code()).isEqualTo(2);
        assertThat(
                        run(
                                        new ProduceCommand(),
                                        mock(),
                                        "--synthetic",
                                        "--dataset",
                                        dir.toString())
                                .code())
                .isEqualTo(2);
        Result missing =
                run(new ProduceCommand(), mock(), "--dataset", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("dataset directory not found");
        Result rate = run(new ProduceCommand(), mock(), args("--rate", "-3"));
        assertThat(rate.code()).isEqualTo(2);
        assertThat(rate.err()).contains("--rate must be >= 0");
        assertThat(run(new ProduceCommand(), mock(), args("--step", "0ms")).code()).isEqualTo(2);
        assertThat(run(new ProduceCommand(), mock(), args("--step", "soon")).code()).isEqualTo(2);
    }

    @Test
    void shouldExitOneWithAClearMessageForADirectoryThatIsNoDataset(@TempDir Path dir) {
        MockProducer<byte[], byte[]> producer = mock();
        Result r = run(new ProduceCommand(), producer, "--dataset", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("produce failed: ").contains(dir.toString());
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldProduceMovieLensRatingsAtTheirRealTimesWithTextOnlyItems(@TempDir Path dir)
            throws Exception {
        Path ml = dev.missrec.jobs.feed.TinyMovieLens.write(dir.resolve("ml-tiny"));
        MockProducer<byte[], byte[]> producer = mock();
        Result r =
                run(
                        new ProduceCommand(),
                        producer,
                        "--movielens",
                        ml.toString(),
                        "--no-embeddings",
                        "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(3 + 6);
        // items come in internal-id order (RecBole's numbering), so find movie 20 by its key
        ItemFeatures beta =
                sent.subList(0, 3).stream()
                        .filter(rec -> key(rec).equals("20"))
                        .map(rec -> Serdes.itemFeatures().deserialize(rec.value()))
                        .findFirst()
                        .orElseThrow();
        assertThat(sent.subList(0, 3)).allMatch(rec -> rec.topic().equals("items"));
        assertThat(beta.getText()).startsWith("Beta, The (1991)").contains("Drama");
        assertThat(beta.getTextEmbedding()).isNull();
        assertThat(beta.getImageEmbedding()).isNull();
        ClickEvent first = Serdes.clickEvent().deserialize(sent.get(3).value());
        assertThat(first.getEventTime()).isEqualTo(Instant.ofEpochSecond(1000));
        assertThat(beta.getUpdateTime()).isBefore(first.getEventTime());
        assertThat(key(sent.get(3))).isEqualTo("u1");
    }

    @Test
    void shouldRejectSyntheticTimeOptionsForMovieLens(@TempDir Path dir) throws Exception {
        Path ml = dev.missrec.jobs.feed.TinyMovieLens.write(dir.resolve("ml"));
        Result r = run(new ProduceCommand(), mock(), "--movielens", ml.toString(), "--step", "5s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("do not apply to --movielens");
        Result core = run(new ProduceCommand(), mock(), args("--core", "5"));
        assertThat(core.code()).isEqualTo(2);
        assertThat(core.err()).contains("apply only to --movielens");
    }
}
