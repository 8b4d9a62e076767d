package dev.missrec.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochLoopTest {

    /** Validation scores per epoch; diverges at {@code divergeAt}. */
    private static final class Scripted implements EpochLoop.Task {
        final double[] valid;
        final int divergeAt;
        final List<String> calls = new ArrayList<>();
        int epoch;

        Scripted(int divergeAt, double... valid) {
            this.valid = valid;
            this.divergeAt = divergeAt;
        }

        @Override
        public double trainEpoch(int epoch, EpochLoop.BatchListener listener) {
            this.epoch = epoch;
            if (epoch == divergeAt) {
                throw new EpochLoop.DivergedException("training diverged at epoch " + epoch);
            }
            return 1.0 / epoch;
        }

        @Override
        public double validate() {
            return valid[epoch - 1];
        }

        @Override
        public void keepBest() {
            calls.add("keep " + epoch);
        }

        @Override
        public void restoreBest() {
            calls.add("restore");
        }
    }

    @Test
    void shouldStopWithTheBestWeightsSoFarWhenTrainingDivergesAfterAValidatedEpoch() {
        Scripted task = new Scripted(3, 0.1, 0.3, 0.9, 0.9);
        EpochLoop.Result r = EpochLoop.run(task, 4, 5, null);
        assertThat(r.bestEpoch()).isEqualTo(2);
        assertThat(r.epochs()).hasSize(2);
        assertThat(task.calls).containsExactly("keep 1", "keep 2", "restore");
    }

    @Test
    void shouldFailWhenTrainingDivergesBeforeAnyValidatedEpoch() {
        assertThatThrownBy(() -> EpochLoop.run(new Scripted(1, 0.5), 3, 2, null))
                .isInstanceOf(EpochLoop.DivergedException.class)
                .hasMessageContaining("epoch 1");
    }
}
