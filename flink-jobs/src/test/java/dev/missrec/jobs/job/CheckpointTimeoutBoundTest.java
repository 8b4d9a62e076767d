package dev.missrec.jobs.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The checkpoint timeout is bounded so that no transaction outlives the broker's timeout. */
class CheckpointTimeoutBoundTest {

    private static RecommendJobOptions options(String delivery, String transactionTimeout) {
        return RecommendJobOptions.fromArgs(
                "--bootstrap.servers", "localhost:9092",
                "--delivery", delivery,
                "--transaction.timeout", transactionTimeout);
    }

    private static StreamExecutionEnvironment env(long intervalMillis) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(intervalMillis);
        return env;
    }

    @Test
    void shouldCapTheCheckpointTimeoutSoAnInterveningTransactionIsCommittedInTime() {
        StreamExecutionEnvironment env = env(10_000);
        RecommendJob.boundCheckpointsByTransactionTimeout(env, options("EXACTLY_ONCE", "5min"));
        // (300 s - 10 s interval - 10 s commit margin) / 2
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(140_000);
    }

    @Test
    void shouldKeepAShorterConfiguredCheckpointTimeout() {
        StreamExecutionEnvironment env = env(200);
        env.getCheckpointConfig().setCheckpointTimeout(15_000);
        RecommendJob.boundCheckpointsByTransactionTimeout(env, options("EXACTLY_ONCE", "1min"));
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(15_000);
    }

    @Test
    void shouldRefuseATransactionTimeoutThatLeavesNoTimeForACheckpoint() {
        StreamExecutionEnvironment env = env(10_000);
        assertThatThrownBy(
                        () ->
                                RecommendJob.boundCheckpointsByTransactionTimeout(
                                        env, options("EXACTLY_ONCE", "15s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transaction.timeout PT15S is too short");
    }

    @Test
    void shouldLeaveAtLeastOnceJobsAlone() {
        StreamExecutionEnvironment env = env(10_000);
        long before = env.getCheckpointConfig().getCheckpointTimeout();
        RecommendJob.boundCheckpointsByTransactionTimeout(env, options("AT_LEAST_ONCE", "15s"));
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(before);
    }
}
