package dev.missrec.jobs.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecommendJobOptionsTest {

    @Test
    void shouldOverlapInferenceAndBatchWorkConservingUpTo32ByDefault() {
        RecommendJobOptions o = RecommendJobOptions.fromArgs("--bootstrap.servers", "b:9092");
        assertThat(o.overlapInference()).isTrue();
        assertThat(o.batchSize()).isEqualTo(32);
        assertThat(o.batchDeadline()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldWaitUpTo10msForABatchByDefaultWithoutOverlapAndTakeAGivenDeadline() {
        RecommendJobOptions serial =
                RecommendJobOptions.fromArgs(
                        "--bootstrap.servers", "b:9092", "--inference.overlap", "false");
        assertThat(serial.batchDeadline()).isEqualTo(Duration.ofMillis(10));
        RecommendJobOptions given =
                RecommendJobOptions.fromArgs(
                        "--bootstrap.servers", "b:9092", "--inference.batch-deadline", "3ms");
        assertThat(given.batchDeadline()).isEqualTo(Duration.ofMillis(3));
    }

    @Test
    void shouldReadInferenceOverlapAndRefuseAnythingButTrueOrFalse() {
        assertThat(
                        RecommendJobOptions.fromArgs(
                                        "--bootstrap.servers", "b:9092",
                                        "--inference.overlap", "false")
                                .overlapInference())
                .isFalse();
        assertThatThrownBy(
                        () ->
                                RecommendJobOptions.fromArgs(
                                        "--bootstrap.servers", "b:9092",
                                        "--inference.overlap", "yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("true or false");
    }
}
