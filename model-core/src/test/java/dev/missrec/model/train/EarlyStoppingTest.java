package dev.missrec.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void shouldStopAfterPatienceEpochsWithoutImprovementAndKeepTheBest() {
        EarlyStopping s = new EarlyStopping(2);
        assertThat(s.record(1, 0.10)).isTrue();
        assertThat(s.record(2, 0.12)).isTrue();
        assertThat(s.record(3, 0.11)).isFalse();
        assertThat(s.shouldStop()).isFalse();
        assertThat(s.record(4, 0.09)).isFalse();
        assertThat(s.shouldStop()).isTrue();
        assertThat(s.bestEpoch()).isEqualTo(2);
        assertThat(s.best()).isEqualTo(0.12);
    }

    @Test
    void shouldCountATieAsAnImprovementLikeRecBole() {
        EarlyStopping s = new EarlyStopping(1);
        s.record(1, 0.2);
        assertThat(s.record(2, 0.2)).isTrue();
        assertThat(s.bestEpoch()).isEqualTo(2);
        assertThat(s.shouldStop()).isFalse();
    }

    @Test
    void shouldRestoreTheBestEpochsWeightsAtTheEndOfTheLoop() {
        double[] valid = {0.1, 0.3, 0.2, 0.25, 0.05, 0.9};
        List<String> calls = new ArrayList<>();
        EpochLoop.Result r =
                EpochLoop.run(
                        new EpochLoop.Task() {
                            int epoch;

                            @Override
                            public double trainEpoch(int e, EpochLoop.BatchListener l) {
                                epoch = e;
                                l.batchDone(1, 1, 1.0 / e);
                                return 1.0 / e;
                            }

                            @Override
                            public double validate() {
                                return valid[epoch - 1];
                            }

                            @Override
                            public void keepBest() {
                                calls.add("keep" + epoch);
                            }

                            @Override
                            public void restoreBest() {
                                calls.add("restore");
                            }
                        },
                        10,
                        3,
                        null);
        // epochs 3, 4, 5 fail to beat 0.3: stop after epoch 5, never see 0.9
        assertThat(r.epochs()).hasSize(5);
        assertThat(r.bestEpoch()).isEqualTo(2);
        assertThat(r.bestValidNdcg10()).isEqualTo(0.3);
        assertThat(calls).containsExactly("keep1", "keep2", "restore");
    }
}
