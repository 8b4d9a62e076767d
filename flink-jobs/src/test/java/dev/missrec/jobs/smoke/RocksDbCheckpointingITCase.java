package dev.missrec.jobs.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink 2.2 on a MiniCluster with the RocksDB state backend: keyed state is checkpointed, and after
 * an injected failure the job restores from the last checkpoint without losing or double-counting
 * an event.
 */
class RocksDbCheckpointingITCase {
    private static final int USERS = 5;
    private static final int EVENTS = 1_000;

    @TempDir static Path checkpoints;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    () ->
                            new org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration
                                            .Builder()
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
    void shouldRestoreRocksDbStateAfterAFailureWithExactCounts() throws Exception {
        Configuration job = new Configuration();
        job.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job);
        env.setParallelism(2);
        env.enableCheckpointing(200);

        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i, EVENTS, RateLimiterStrategy.perSecond(500), Types.LONG);
        List<String> out =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "events")
                        .keyBy(i -> "u" + (i % USERS))
                        .process(new EventCounter())
                        .map(new FailOnceAfterCheckpoint())
                        .executeAndCollect(EVENTS * 2);

        assertThat(FAILED_ONCE).isTrue();
        assertThat(COMPLETED_CHECKPOINTS.get()).isPositive();
        // the collect sink is exactly-once with checkpointing: each event's count exactly once
        assertThat(out).hasSize(EVENTS);
        Map<String, Long> maxCount = new HashMap<>();
        for (String s : out) {
            String[] kv = s.split("=");
            maxCount.merge(kv[0], Long.parseLong(kv[1]), Math::max);
        }
        assertThat(maxCount)
                .hasSize(USERS)
                .allSatisfy((k, v) -> assertThat(v).isEqualTo(EVENTS / USERS));
    }

    /** Counts events per key in RocksDB-backed keyed state. */
    static final class EventCounter extends KeyedProcessFunction<String, Long, String>
            implements CheckpointListener {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext ctx) {
            count =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("event-count", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<String> out)
                throws Exception {
            long next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            out.collect(ctx.getCurrentKey() + "=" + next);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    /** Throws once, after a checkpoint has completed, to force a restore from it. */
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
