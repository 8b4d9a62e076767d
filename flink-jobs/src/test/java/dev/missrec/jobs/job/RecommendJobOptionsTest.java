package dev.missrec.jobs.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecommendJobOptionsTest {

    @Test
    void shouldOverlapInferenceAndBatchBy32Or10msByDefault() {
        RecommendJobOptions o = RecommendJobOptions.fromArgs("--bootstrap.servers", "b:9092");
        assertThat(o.overlapInference()).isTrue();
        assertThat(o.batchSize()).isEqualTo(32);
        assertThat(o.batchDeadline()).isEqualTo(Duration.ofMillis(10));
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
