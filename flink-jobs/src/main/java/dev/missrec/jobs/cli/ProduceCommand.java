package dev.missrec.jobs.cli;

import dev.missrec.jobs.feed.FeedSendException;
import dev.missrec.jobs.feed.Pacer;
import dev.missrec.jobs.feed.ProgressMeter;
import dev.missrec.jobs.feed.TopicWriter;
import dev.missrec.jobs.kafka.Topics;
import dev.missrec.model.data.DatasetException;
import dev.missrec.model.text.CachingTextEncoder;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.serde.AvroValueSerde;
import dev.missrec.schemas.serde.Serdes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code missrec produce}: writes a dataset's interactions to the clicks topic as {@code
 * ClickEvent}s in event-time order across all users (event time synthesised from sequence order, or
 * MovieLens' real timestamps, see {@link dev.missrec.jobs.feed.ClickStreams}), optionally paced,
 * and its items to the items topic as ACTIVE {@code ItemFeatures}, items first so the catalog is
 * there before the clicks that refer to it.
 *
 * <p>The producer is idempotent with {@code acks=all}, so a retried batch is never duplicated or
 * reordered; the first failed send stops the command with exit code 1 and names the topic.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write a dataset's clicks (in event-time order, optionally paced) and items to Kafka.",
            "Event time: user u's i-th interaction at START + i*STEP + rank(u)*STEP/users (the"
                    + " RecBole and synthetic datasets have no timestamps, only the order within"
                    + " each sequence); MovieLens keeps its real timestamps.",
            "Exit codes: 0 ok, 1 failure (e.g. the broker rejected a record), 2 bad arguments."
        })
public final class ProduceCommand implements Callable<Integer> {

    /** Shortest interval between two redraws of the progress bar. */
    private static final Duration REDRAW = Duration.ofMillis(250);

    @Spec CommandSpec spec;

    @Mixin FeedDataOptions data = new FeedDataOptions();

    @Mixin KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(
            names = "--clicks-topic",
            defaultValue = "clicks",
            description = "topic of the click events (default ${DEFAULT-VALUE})")
    String clicksTopic;

    @Option(
            names = "--items-topic",
            defaultValue = "items",
            description = "topic of the item features (default ${DEFAULT-VALUE})")
    String itemsTopic;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "0",
            description = "clicks per second, 0 = as fast as possible (default ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "send only the first N clicks in event-time order, 0 = all (default)")
    long limit;

    @Option(names = "--no-items", description = "do not write the items topic")
    boolean noItems;

    @Option(
            names = "--create-topics",
            description = "create the topics if they are missing (items compacted)")
    boolean createTopics;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "partitions of topics created by --create-topics (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "replication factor of topics created by --create-topics (default"
                            + " ${DEFAULT-VALUE})")
    short replicationFactor;

    @Option(
            names = "--start-time",
            paramLabel = "INSTANT",
            description =
                    "event time of the first round, e.g. 2024-01-01T00:00:00Z (default: so that the"
                            + " last round is now, i.e. no event lies in the future)")
    Instant startTime;

    @Option(
            names = "--step",
            paramLabel = "DURATION",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description =
                    "event time between a user's consecutive clicks (default ${DEFAULT-VALUE})")
    Duration step;

    @Option(
            names = "--no-embeddings",
            description =
                    "movielens: send item texts without computing MiniLM text embeddings (fast)")
    boolean noEmbeddings;

    @Option(
            names = "--text-cache",
            paramLabel = "DIR",
            description =
                    "movielens: text-embedding cache directory, shared with train (default"
                            + " work/text-embeddings)")
    Path textCache;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    /** Makes the producer; replaced in tests by one that returns a {@code MockProducer}. */
    Function<Properties, Producer<byte[], byte[]>> producerFactory =
            props ->
                    new KafkaProducer<>(
                            props, new ByteArraySerializer(), new ByteArraySerializer());

    /** Set by the Ctrl-C hook: stop sending, flush what was sent, print the summary. */
    private volatile boolean stopRequested;

    /** Counted down when the send loop is done; the Ctrl-C hook waits for it. */
    private final CountDownLatch finished = new CountDownLatch(1);

    /** The pacer; null means the system pacer at {@code --rate} (tests inject a fake clock). */
    Pacer pacer;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return produce(out, err);
        } catch (FeedSendException | DatasetException | TopicSetupException e) {
            err.println("produce failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private void validate() {
        data.validate(spec.commandLine(), true);
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be >= 0, got " + rate);
        }
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
        }
        if (step.isNegative() || step.toMillis() < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--step must be at least 1ms, got " + step);
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--partitions and --replication-factor must be >= 1");
        }
        if (data.hasRealTime()
                && (startTime != null
                        || spec.commandLine().getParseResult().hasMatchedOption("--step"))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--start-time and --step do not apply to --movielens, which has real timestamps");
        }
        if ((noEmbeddings || textCache != null) && !data.hasRealTime()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--no-embeddings and --text-cache apply only to --movielens");
        }
        if (clicksTopic.isBlank() || itemsTopic.isBlank()) {
            throw new ParameterException(spec.commandLine(), "topic names must not be blank");
        }
    }

    private int produce(PrintWriter out, PrintWriter err) throws Exception {
        long began = System.nanoTime();
        Path cache =
                noEmbeddings
                        ? null
                        : textCache != null ? textCache : CachingTextEncoder.DEFAULT_DIR;
        FeedDataOptions.Feed feed = data.loadFeed(startTime, step, !noItems, cache, err);
        List<ClickEvent> clicks = feed.clicks();
        if (limit > 0 && limit < clicks.size()) {
            clicks = clicks.subList(0, (int) limit);
        }
        List<ItemFeatures> items = feed.items();

        Properties props =
                kafka.clientProperties(
                        Map.of(
                                "client.id", "missrec-produce",
                                "enable.idempotence", "true",
                                "max.in.flight.requests.per.connection",
                                        Topics.MAX_IN_FLIGHT_FOR_NEW_TOPICS,
                                "acks", "all",
                                "linger.ms", "20",
                                "batch.size", "131072",
                                "max.block.ms", "30000"));
        if (createTopics) {
            createMissingTopics(props, err);
        }

        AvroValueSerde<ClickEvent> clickSerde = Serdes.clickEvent();
        AvroValueSerde<ItemFeatures> itemSerde = Serdes.itemFeatures();
        try (Producer<byte[], byte[]> producer = producerFactory.apply(props)) {
            TopicWriter writer = new TopicWriter(producer);
            if (!items.isEmpty()) {
                requireTopic(producer, itemsTopic);
            }
            requireTopic(producer, clicksTopic);
            for (ItemFeatures item : items) {
                writer.send(itemsTopic, item.getItemId(), itemSerde.serialize(item));
            }
            writer.flush();

            Pacer p = pacer != null ? pacer : Pacer.system(rate);
            ProgressMeter progress =
                    noProgress
                            ? null
                            : new ProgressMeter(
                                    err,
                                    "produce",
                                    clicks.size(),
                                    System::nanoTime,
                                    REDRAW.toNanos());
            long clicksStarted = System.nanoTime();
            int sent = 0;
            Thread main = Thread.currentThread();
            Thread hook =
                    new Thread(
                            () -> {
                                stopRequested = true;
                                main.interrupt();
                                awaitQuietly(finished);
                            },
                            "missrec-produce-shutdown");
            boolean hooked = ShutdownHooks.add(hook);
            try {
                for (ClickEvent click : clicks) {
                    if (stopRequested) {
                        break;
                    }
                    try {
                        p.awaitNext();
                        writer.send(clicksTopic, click.getUserId(), clickSerde.serialize(click));
                    } catch (InterruptedException | FeedSendException e) {
                        if (stopRequested) {
                            break; // Ctrl-C: keep what was sent, flush it below
                        }
                        throw e;
                    }
                    sent++;
                    if (progress != null) {
                        progress.update(sent);
                    }
                }
                // a stop's interrupt must not abort the flush of what was already sent
                Thread.interrupted();
                writer.flush();
                if (progress != null) {
                    progress.finish(sent);
                }
                double seconds = (System.nanoTime() - clicksStarted) / 1e9;
                out.println(
                        summary(
                                feed.name(),
                                clicks.subList(0, sent),
                                items.size(),
                                seconds,
                                (System.nanoTime() - began) / 1e9));
                out.flush();
            } finally {
                finished.countDown();
                if (hooked) {
                    ShutdownHooks.remove(hook);
                }
            }
        } catch (KafkaException e) {
            // e.g. the producer could not be created from the given properties
            throw new FeedSendException(clicksTopic, 0, e);
        }
        return 0;
    }

    private String summary(
            String name, List<ClickEvent> sent, int items, double seconds, double total) {
        return String.format(
                Locale.ROOT,
                "produced %,d clicks to '%s' in %.1f s (%,.0f/s) and %,d items to '%s';"
                        + " dataset %s, event time %s .. %s; total %.1f s%s",
                sent.size(),
                clicksTopic,
                seconds,
                seconds > 0 ? sent.size() / seconds : 0.0,
                items,
                itemsTopic,
                name,
                sent.isEmpty() ? "-" : sent.get(0).getEventTime(),
                sent.isEmpty() ? "-" : sent.get(sent.size() - 1).getEventTime(),
                total,
                stopRequested ? " (stopped early)" : "");
    }

    /**
     * Fetches the topic's metadata before the first send, so that a missing topic fails at once
     * with a hint, and the first click's pacing and rate are not skewed by the metadata wait.
     */
    private void requireTopic(Producer<byte[], byte[]> producer, String topic) {
        try {
            producer.partitionsFor(topic);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TopicSetupException(
                    "topic '"
                            + topic
                            + "' not found at "
                            + kafka.bootstrapServers
                            + " ("
                            + e.getMessage()
                            + "); is the broker running? --create-topics creates missing topics",
                    e);
        } catch (KafkaException e) {
            throw new FeedSendException(topic, 0, e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void createMissingTopics(Properties props, PrintWriter err) {
        Properties adminProps = new Properties();
        adminProps.putAll(props);
        // producer-only settings would only make the admin client warn
        for (String key :
                List.of(
                        "enable.idempotence",
                        "acks",
                        "linger.ms",
                        "batch.size",
                        "max.block.ms",
                        "client.id")) {
            adminProps.remove(key);
        }
        adminProps.setProperty("client.id", "missrec-produce-admin");
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(clicksTopic, partitions, replicationFactor));
        if (!noItems) {
            wanted.add(
                    new NewTopic(itemsTopic, partitions, replicationFactor)
                            .configs(Map.of("cleanup.policy", "compact")));
        }
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (NewTopic topic : wanted) {
                if (existing.contains(topic.name())) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    err.println(
                            "created topic '"
                                    + topic.name()
                                    + "' ("
                                    + partitions
                                    + " partitions, replication "
                                    + replicationFactor
                                    + ")");
                } catch (ExecutionException e) {
                    // another producer may have created it between the listing and now
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new TopicSetupException(
                                "cannot create topic '" + topic.name() + "': " + e.getCause(), e);
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new TopicSetupException(
                    "cannot reach Kafka at "
                            + kafka.bootstrapServers
                            + " to create topics: no answer within 30 s",
                    e);
        } catch (ExecutionException e) {
            throw new TopicSetupException(
                    "cannot list the topics at " + kafka.bootstrapServers + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topics", e);
        } catch (KafkaException e) {
            throw new TopicSetupException("cannot create topics: " + e, e);
        }
    }

    /** Topics could not be listed or created. */
    static final class TopicSetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TopicSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
