package dev.missrec.jobs.job;

import dev.missrec.jobs.event.ControlEvent;
import dev.missrec.jobs.event.ParsedClick;
import dev.missrec.jobs.event.Recommended;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.jobs.event.SequenceUpdate;
import dev.missrec.jobs.function.ClickRouter;
import dev.missrec.jobs.function.ControlRouter;
import dev.missrec.jobs.function.InferenceBatcher;
import dev.missrec.jobs.function.RecommenderFactory;
import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.jobs.function.SequenceUpdater;
import dev.missrec.jobs.serde.ClickEventDeserializer;
import dev.missrec.jobs.serde.ControlEventDeserializers;
import dev.missrec.jobs.serde.DeadLetterSerializer;
import dev.missrec.jobs.serde.RecommendationSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The product's main job: clicks from Kafka to exactly-once top-K recommendations.
 *
 * <pre>
 * clicks ─► decode + validate ─bad─► dead letters
 *              │
 *        keyBy(userId) ─► SequenceUpdater (RocksDB: last L items) ─late─► dead letters
 *              │
 *        InferenceBatcher (batches across users, one model call per batch) ◄── broadcast:
 *              │                           items (blocked/active), model updates (hot swap)
 *        recommendations (transactional KafkaSink)
 * </pre>
 *
 * The constructor takes the sources and sinks, so tests run the same pipeline on bounded ones;
 * {@link #main} only wires Kafka and the model.
 */
public final class RecommendJob {
    private final RecommendJobOptions options;
    private final Source<ParsedClick, ?, ?> clicks;
    private final Source<ControlEvent, ?, ?> items;
    private final Source<ControlEvent, ?, ?> modelUpdates;
    private final Sink<Recommended> recommendations;
    private final Sink<Rejection> deadLetters;
    private final RecommenderFactory recommender;

    public RecommendJob(
            RecommendJobOptions options,
            Source<ParsedClick, ?, ?> clicks,
            Source<ControlEvent, ?, ?> items,
            Source<ControlEvent, ?, ?> modelUpdates,
            Sink<Recommended> recommendations,
            Sink<Rejection> deadLetters,
            RecommenderFactory recommender) {
        this.options = options;
        this.clicks = clicks;
        this.items = items;
        this.modelUpdates = modelUpdates;
        this.recommendations = recommendations;
        this.deadLetters = deadLetters;
        this.recommender = recommender;
    }

    /** Adds the pipeline to {@code env}; stable uids keep savepoints compatible across releases. */
    public void addTo(StreamExecutionEnvironment env) {
        boundCheckpointsByTransactionTimeout(env, options);
        env.setBufferTimeout(options.bufferTimeout().toMillis());
        WatermarkStrategy<ParsedClick> watermarks =
                WatermarkStrategy.<ParsedClick>forBoundedOutOfOrderness(options.outOfOrderness())
                        .withTimestampAssigner(
                                (p, kafkaTimestamp) ->
                                        p.click != null ? p.click.eventTime : kafkaTimestamp)
                        // an idle partition must not hold back every user's watermark
                        .withIdleness(Duration.ofMinutes(1));

        SingleOutputStreamOperator<dev.missrec.jobs.event.Click> valid =
                env.fromSource(clicks, watermarks, "clicks")
                        .uid("clicks-source")
                        .process(new ClickRouter())
                        .name("validate")
                        .uid("validate");

        SingleOutputStreamOperator<SequenceUpdate> updates =
                valid.keyBy(c -> c.userId)
                        .process(
                                new SequenceUpdater(
                                        new SequenceUpdater.Settings(
                                                options.maxSequenceLength(),
                                                Math.max(100, 2 * options.maxSequenceLength()),
                                                options.allowedLateness(),
                                                options.stateTtl(),
                                                options.minRecomputeInterval(),
                                                options.triggerEventTypes())))
                        .name("sequence-state")
                        .uid("sequence-state");

        SingleOutputStreamOperator<ControlEvent> control =
                env.fromSource(items, WatermarkStrategy.noWatermarks(), "items")
                        .uid("items-source")
                        .union(
                                env.fromSource(
                                                modelUpdates,
                                                WatermarkStrategy.noWatermarks(),
                                                "model-updates")
                                        .uid("model-updates-source"))
                        .process(new ControlRouter())
                        .name("validate-control")
                        .uid("validate-control");

        SingleOutputStreamOperator<Recommended> recommended =
                updates.connect(control.broadcast())
                        .transform(
                                "inference",
                                TypeInformation.of(Recommended.class),
                                new InferenceBatcher(
                                        recommender,
                                        options.batchSize(),
                                        options.batchDeadline().toMillis(),
                                        options.k(),
                                        options.overlapInference()))
                        .uid("inference");
        recommended.sinkTo(recommendations).name("recommendations").uid("recommendations-sink");

        valid.getSideOutput(ClickRouter.REJECTED)
                .union(
                        updates.getSideOutput(SequenceUpdater.REJECTED),
                        recommended.getSideOutput(InferenceBatcher.REJECTED),
                        control.getSideOutput(ControlRouter.REJECTED))
                .sinkTo(deadLetters)
                .name("dead-letters")
                .uid("dead-letters-sink");
    }

    /**
     * Caps the checkpoint timeout so that no checkpoint can complete after the broker may have
     * aborted one of its transactions.
     *
     * <p>A transaction of the exactly-once sink opens with the first record after a checkpoint
     * barrier and is committed only when the next checkpoint completes, so it lives about one
     * checkpoint interval plus up to two checkpoint durations. If that exceeds {@code
     * transaction.timeout}, the broker aborts the transaction while the checkpoint still completes;
     * the committer then finds its producer fenced and only logs it, so the records are silently
     * lost (measured: RecommendJobITCase with a 15 s timeout). Flink's default checkpoint timeout
     * (10 min) is longer than the default transaction timeout (5 min), so it must be bounded here;
     * a checkpoint that expires fails the job instead, which then replays from the last good one.
     *
     * @throws IllegalArgumentException if the transaction timeout leaves no time for a checkpoint
     */
    static void boundCheckpointsByTransactionTimeout(
            StreamExecutionEnvironment env, RecommendJobOptions o) {
        if (o.deliveryGuarantee() != DeliveryGuarantee.EXACTLY_ONCE) {
            return;
        }
        CheckpointConfig checkpoints = env.getCheckpointConfig();
        long interval = Math.max(0, checkpoints.getCheckpointInterval());
        // the transaction opened at checkpoint N's barrier waits for N to complete, for N+1 to be
        // triggered and for N+1 to complete: at most the interval plus two checkpoint timeouts
        long budget = (o.transactionTimeout().toMillis() - interval - COMMIT_MARGIN.toMillis()) / 2;
        if (budget < MIN_CHECKPOINT_TIMEOUT.toMillis()) {
            throw new IllegalArgumentException(
                    "transaction.timeout "
                            + o.transactionTimeout()
                            + " is too short for a checkpoint interval of "
                            + Duration.ofMillis(interval)
                            + ": it must exceed the interval by at least "
                            + COMMIT_MARGIN.plus(MIN_CHECKPOINT_TIMEOUT.multipliedBy(2))
                            + ", or transactions expire before their checkpoint commits them");
        }
        if (checkpoints.getCheckpointTimeout() > budget) {
            checkpoints.setCheckpointTimeout(budget);
        }
    }

    /** The time a completed checkpoint's commit may take to reach the broker. */
    static final Duration COMMIT_MARGIN = Duration.ofSeconds(10);

    /** The shortest checkpoint timeout worth running with. */
    static final Duration MIN_CHECKPOINT_TIMEOUT = Duration.ofSeconds(10);

    /** The Kafka source of the clicks topic (committed offsets, else earliest). */
    public static KafkaSource<ParsedClick> kafkaSource(RecommendJobOptions o) {
        return KafkaSource.<ParsedClick>builder()
                .setProperties(o.kafkaClientProperties())
                .setTopics(o.clicksTopic())
                .setGroupId(o.groupId())
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ClickEventDeserializer(Duration.ofDays(1)))
                .build();
    }

    /** A Kafka source of a control topic, read from the beginning (compacted topics). */
    public static KafkaSource<ControlEvent> controlSource(
            RecommendJobOptions o,
            String topic,
            org.apache.flink.connector.kafka.source.reader.deserializer
                                    .KafkaRecordDeserializationSchema<
                            ControlEvent>
                    deserializer) {
        return KafkaSource.<ControlEvent>builder()
                .setProperties(o.kafkaClientProperties())
                .setTopics(topic)
                .setGroupId(o.groupId() + "-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(deserializer)
                .build();
    }

    /** A Kafka sink with the configured delivery guarantee. */
    public static <T> KafkaSink<T> kafkaSink(
            RecommendJobOptions o, String idSuffix, KafkaRecordSerializationSchema<T> serializer) {
        Properties props = o.kafkaClientProperties();
        props.setProperty(
                "transaction.timeout.ms", Long.toString(o.transactionTimeout().toMillis()));
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(o.deliveryGuarantee())
                .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + idSuffix)
                .setRecordSerializer(serializer)
                .build();
    }

    /** The job with Kafka sources and sinks. */
    public static RecommendJob onKafka(RecommendJobOptions o, RecommenderFactory recommender) {
        return new RecommendJob(
                o,
                kafkaSource(o),
                controlSource(o, o.itemsTopic(), ControlEventDeserializers.items()),
                controlSource(o, o.modelUpdatesTopic(), ControlEventDeserializers.modelUpdates()),
                kafkaSink(o, "recs", new RecommendationSerializer(o.recommendationsTopic())),
                kafkaSink(o, "dlq", new DeadLetterSerializer(o.deadLetterTopic())),
                recommender);
    }

    /**
     * Runs the job: {@code --registry DIR} (and optionally {@code --model-version V}, default the
     * latest) select the model, {@code --dataset DIR} the item catalog it scores; every other
     * {@code --key value} is a {@link RecommendJobOptions} key.
     */
    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String registry = takeArg(rest, "--registry");
        String dataset = takeArg(rest, "--dataset");
        String version = rest.contains("--model-version") ? takeArg(rest, "--model-version") : null;
        RecommendJobOptions options = RecommendJobOptions.fromArgs(rest.toArray(String[]::new));

        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(options.checkpointInterval().toMillis());
        onKafka(options, new RegistryRecommenderFactory(registry, version, dataset, false))
                .addTo(env);
        env.execute("missrec-recommend");
    }

    private static String takeArg(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0 || i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " DIR is required");
        }
        String value = args.get(i + 1);
        args.subList(i, i + 2).clear();
        return value;
    }
}
