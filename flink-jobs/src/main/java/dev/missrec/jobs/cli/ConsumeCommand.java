package dev.missrec.jobs.cli;

import dev.missrec.jobs.feed.ItemCatalog;
import dev.missrec.model.data.DatasetException;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.serde.AvroJson;
import dev.missrec.schemas.serde.AvroValueSerde;
import dev.missrec.schemas.serde.RecordDecodingException;
import dev.missrec.schemas.serde.Serdes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code missrec consume}: prints the recommendations topic readably (user, trigger event, model
 * version, latencies, the top items with scores and item text) or as Avro JSON lines for scripts.
 *
 * <p>Reads with {@code isolation.level=read_committed}, since the job writes the topic in
 * transactions, from every partition without a consumer group (nothing is committed, so running it
 * never disturbs anyone's offsets). A record that does not decode is reported on stderr with its
 * decoding reason and skipped.
 */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print recommendations from Kafka, with item text when a dataset is given.",
            "Stops after --max records, after --timeout without records, or on Ctrl-C.",
            "Exit codes: 0 ok, 1 failure (e.g. the topic does not exist), 2 bad arguments."
        })
public final class ConsumeCommand implements Callable<Integer> {

    /** Where reading starts. */
    public enum StartFrom {
        /** The oldest record still on the topic. */
        EARLIEST,
        /** Only records written after the command started. */
        LATEST
    }

    private static final Duration POLL = Duration.ofMillis(200);

    @Spec CommandSpec spec;

    @Mixin FeedDataOptions data = new FeedDataOptions();

    @Mixin KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(
            names = "--topic",
            defaultValue = "recommendations",
            description = "topic of the recommendations (default ${DEFAULT-VALUE})")
    String topic;

    @Option(
            names = "--from",
            defaultValue = "latest",
            paramLabel = "earliest|latest",
            description = "where to start reading (default ${DEFAULT-VALUE})")
    String from;

    @Option(
            names = "--max",
            paramLabel = "N",
            defaultValue = "0",
            description = "stop after N recommendations, 0 = no limit (default)")
    long max;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "stop after this long without a record (default: wait for ever)")
    Duration idleTimeout;

    @Option(
            names = "--json",
            description = "print one Avro JSON line per recommendation instead of text")
    boolean json;

    @Option(
            names = "--top",
            paramLabel = "N",
            defaultValue = "10",
            description = "items shown per recommendation, 0 = all (default ${DEFAULT-VALUE})")
    int top;

    @Option(
            names = "--text-width",
            paramLabel = "CHARS",
            defaultValue = "70",
            description = "longest item text shown (default ${DEFAULT-VALUE})")
    int textWidth;

    /** Makes the consumer; replaced in tests by one that returns a {@code MockConsumer}. */
    Function<Properties, Consumer<byte[], byte[]>> consumerFactory =
            props ->
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer());

    /** The clock of the idle timeout, in nanoseconds; replaced in tests. */
    LongSupplier nanoClock = System::nanoTime;

    private volatile Consumer<byte[], byte[]> active;

    /** Counted down when the read loop has printed its summary; the Ctrl-C hook waits for it. */
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() {
        StartFrom start = validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Function<String, Optional<String>> texts = ItemCatalog.noTexts();
            if (data.given()) {
                Map<String, String> byId = data.itemTexts();
                texts = id -> Optional.ofNullable(byId.get(id));
            }
            return consume(start, new RecommendationFormatter(texts, top, textWidth), out, err);
        } catch (DatasetException | ConsumeException e) {
            err.println("consume failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private StartFrom validate() {
        data.validate(spec.commandLine(), false);
        StartFrom start;
        try {
            start = StartFrom.valueOf(from.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "--from must be earliest or latest, got '" + from + "'");
        }
        if (max < 0 || top < 0 || textWidth < 4) {
            throw new ParameterException(
                    spec.commandLine(), "--max and --top must be >= 0 and --text-width >= 4");
        }
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        if (topic.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--topic must not be blank");
        }
        return start;
    }

    private int consume(
            StartFrom start, RecommendationFormatter formatter, PrintWriter out, PrintWriter err) {
        Properties props =
                kafka.clientProperties(
                        Map.of(
                                "client.id", "missrec-consume",
                                "isolation.level", "read_committed",
                                "enable.auto.commit", "false",
                                "auto.offset.reset",
                                        start.name().toLowerCase(java.util.Locale.ROOT)));
        AvroValueSerde<Recommendation> serde = Serdes.recommendation();
        long printed = 0;
        long undecodable = 0;
        Thread shutdownHook = new Thread(this::wakeUp, "missrec-consume-shutdown");
        boolean hooked = ShutdownHooks.add(shutdownHook);
        try (Consumer<byte[], byte[]> consumer = consumerFactory.apply(props)) {
            active = consumer;
            List<TopicPartition> partitions = awaitPartitions(consumer);
            consumer.assign(partitions);
            if (start == StartFrom.EARLIEST) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastRecord = nanoClock.getAsLong();
            while (max == 0 || printed < max) {
                var records = consumer.poll(POLL);
                long now = nanoClock.getAsLong();
                if (records.isEmpty()) {
                    if (idleTimeout != null && now - lastRecord >= idleTimeout.toNanos()) {
                        break;
                    }
                    continue;
                }
                lastRecord = now;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    String where =
                            record.topic() + "-" + record.partition() + "@" + record.offset();
                    Recommendation r;
                    try {
                        r = serde.deserialize(record.value());
                    } catch (RecordDecodingException e) {
                        undecodable++;
                        err.println(
                                "warning: skipped undecodable record "
                                        + where
                                        + ": "
                                        + e.reason()
                                        + " ("
                                        + detail(e)
                                        + ")");
                        err.flush();
                        continue;
                    }
                    out.print(json ? AvroJson.toJson(r) + "\n" : formatter.format(r, where));
                    out.flush();
                    printed++;
                    if (max > 0 && printed >= max) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: stop quietly with what was printed so far
        } catch (KafkaException e) {
            throw new ConsumeException("reading '" + topic + "' failed: " + e, e);
        } finally {
            active = null;
            err.println(
                    "consumed "
                            + printed
                            + " recommendation"
                            + (printed == 1 ? "" : "s")
                            + " from '"
                            + topic
                            + "'"
                            + (undecodable > 0 ? ", skipped " + undecodable + " undecodable" : ""));
            err.flush();
            finished.countDown();
            if (hooked) {
                ShutdownHooks.remove(shutdownHook);
            }
        }
        return 0;
    }

    /** The topic's partitions, waiting for the topic to appear up to the idle timeout (or 30s). */
    private List<TopicPartition> awaitPartitions(Consumer<byte[], byte[]> consumer) {
        Duration wait = idleTimeout != null ? idleTimeout : Duration.ofSeconds(30);
        long deadline = nanoClock.getAsLong() + wait.toNanos();
        while (true) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = null;
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
                return partitions;
            }
            if (nanoClock.getAsLong() >= deadline) {
                throw new ConsumeException(
                        "topic '"
                                + topic
                                + "' not found at "
                                + kafka.bootstrapServers
                                + " within "
                                + wait.toSeconds()
                                + " s (is the broker running and the job writing?)",
                        null);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConsumeException("interrupted while waiting for '" + topic + "'", e);
            }
        }
    }

    /** On Ctrl-C: interrupt the poll and give the loop a moment to print its summary. */
    private void wakeUp() {
        Consumer<byte[], byte[]> c = active;
        if (c != null) {
            c.wakeup();
            try {
                finished.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The first line of the exception's message without the reason it starts with. */
    private static String detail(RecordDecodingException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = e.reason() + ": ";
        if (message.startsWith(prefix)) {
            message = message.substring(prefix.length());
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Reading the topic failed. */
    static final class ConsumeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConsumeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
