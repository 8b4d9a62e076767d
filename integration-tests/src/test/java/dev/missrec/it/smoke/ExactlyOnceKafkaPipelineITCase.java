package dev.missrec.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.it.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole streaming stack on a real broker: KafkaSource -> keyed RocksDB operator ->
 * transactional KafkaSink. With a failure injected after a checkpoint, a {@code read_committed}
 * consumer still sees every output exactly once.
 */
class ExactlyOnceKafkaPipelineITCase {
    private static final int RECORDS = 500;
    private static final int USERS = 10;

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

    static final AtomicInteger COMPLETED_CHECKPOINTS = new AtomicInteger();
    static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    private static Configuration clusterConfig() {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        return c;
    }

    @Test
    void shouldDeliverEveryRecordExactlyOnceToReadCommittedConsumersDespiteAFailure()
            throws Exception {
        KAFKA.createTopic("eos-in", 3);
        KAFKA.createTopic("eos-out", 3);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
            for (int i = 0; i < RECORDS; i++) {
                String user = "u" + (i % USERS);
                producer.send(new ProducerRecord<>("eos-in", bytes(user), bytes(user + ":" + i)));
            }
        }

        Configuration jobConfig = new Configuration();
        jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        jobConfig.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        jobConfig.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
        env.setParallelism(2);
        env.enableCheckpointing(300);

        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setTopics("eos-in")
                        .setGroupId("eos-smoke")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();
        Properties sinkProps = new Properties();
        // must not exceed the broker's transaction.max.timeout.ms (15 minutes by default)
        sinkProps.setProperty("transaction.timeout.ms", "60000");
        KafkaSink<String> sink =
                KafkaSink.<String>builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setKafkaProducerConfig(sinkProps)
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("eos-smoke")
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.builder()
                                        .setTopic("eos-out")
                                        .setValueSerializationSchema(new SimpleStringSchema())
                                        .build())
                        .build();

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "eos-in")
                .map(new PaceUntilFailure())
                .keyBy(v -> v.substring(0, v.indexOf(':')))
                .process(new CountPerUser())
                .map(new FailOnceAfterCheckpoint())
                .sinkTo(sink);
        env.execute("exactly-once smoke");

        assertThat(FAILED_ONCE).as("the failure was injected").isTrue();
        List<ConsumerRecord<byte[], byte[]>> committed =
                KAFKA.readAll(
                        "eos-out",
                        IsolationLevel.READ_COMMITTED,
                        RECORDS,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60));
        List<String> values =
                committed.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates();
        // every user's count ran 1..50 exactly once: state was restored, not replayed twice
        for (int u = 0; u < USERS; u++) {
            String user = "u" + u;
            assertThat(values.stream().filter(v -> v.startsWith(user + "=")))
                    .hasSize(RECORDS / USERS);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Emits "user=count" with the count kept in RocksDB keyed state. */
    static final class CountPerUser extends KeyedProcessFunction<String, String, String>
            implements CheckpointListener {
        private transient ValueState<Integer> count;

        @Override
        public void open(OpenContext ctx) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out)
                throws Exception {
            int next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            out.collect(ctx.getCurrentKey() + "=" + next);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    /**
     * Slows the source (it is chained to it, so checkpoint barriers are not stuck behind buffered
     * records) until the failure happened, so checkpoints complete while records are in flight.
     */
    static final class PaceUntilFailure extends RichMapFunction<String, String> {
        @Override
        public String map(String value) throws InterruptedException {
            if (!FAILED_ONCE.get()) {
                Thread.sleep(20);
            }
            return value;
        }
    }

    /** Throws once after a checkpoint completed, so the job restores and replays from Kafka. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<String, String> {
        @Override
        public String map(String value) {
            if (COMPLETED_CHECKPOINTS.get() > 0 && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return value;
        }
    }
}
