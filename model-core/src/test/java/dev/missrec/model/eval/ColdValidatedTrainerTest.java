package dev.missrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColdValidatedTrainerTest {

    /** Items 1..5; item 4 is held out; its valid event is user 2's. */
    private static SequenceDataset data() {
        List<SequenceExample> train =
                List.of(
                        new SequenceExample(1, new int[] {1}, 2),
                        new SequenceExample(2, new int[] {3}, 1));
        List<SequenceExample> valid =
                List.of(
                        new SequenceExample(1, new int[] {1, 2}, 3),
                        new SequenceExample(2, new int[] {3, 1}, 4));
        List<SequenceExample> test =
                List.of(
                        new SequenceExample(1, new int[] {1, 2, 3}, 5),
                        new SequenceExample(2, new int[] {3, 1, 4}, 4));
        String[] tokens = {"[PAD]", "a", "b", "c", "d", "e"};
        return ColdStartSplit.holdOut(
                new SequenceDataset("t", 2, tokens, null, null, null, train, valid, test),
                new int[] {4});
    }

    /** A scorer that ranks {@code favourite} first for everyone; records closing. */
    private static final class Fixed implements TrainedScorer {
        final int favourite;
        boolean closed;

        Fixed(int favourite) {
            this.favourite = favourite;
        }

        @Override
        public float[][] score(List<int[]> histories) {
            float[][] s = new float[histories.size()][6];
            for (float[] row : s) {
                for (int i = 1; i < 6; i++) {
                    row[i] = -i; // 1 > 2 > ... by default
                }
                row[favourite] = 10;
            }
            return s;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public long trainableParameters() {
            return favourite;
        }

        @Override
        public long totalParameters() {
            return favourite;
        }

        @Override
        public int bestEpoch() {
            return 1;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void shouldKeepTheCandidateBestOnColdValidationAndCloseTheOthers() {
        List<Fixed> made = new ArrayList<>();
        Map<String, ScorerTrainer> grid = new LinkedHashMap<>();
        for (int favourite : new int[] {3, 4, 5}) {
            grid.put(
                    "favourite " + favourite,
                    (d, s) -> {
                        Fixed f = new Fixed(favourite);
                        made.add(f);
                        return f;
                    });
        }
        TrainedScorer chosen =
                new ColdValidatedTrainer(grid, null)
                        .fit(data(), new TrainSettings("tiny", 1, 1, 1, false));
        // only the candidate that ranks the held-out item 4 first wins on cold validation
        assertThat(chosen.trainableParameters()).isEqualTo(4);
        assertThat(chosen.chosenSettings())
                .startsWith("favourite 4 (by valid_cold NDCG@10; tried favourite 3: ")
                .contains("favourite 4: 1.0000");
        assertThat(made).hasSize(3);
        assertThat(made.get(0).closed).isTrue();
        assertThat(made.get(1).closed).isFalse();
        assertThat(made.get(2).closed).isTrue();
        chosen.close();
        assertThat(made.get(1).closed).isTrue();
    }

    @Test
    void shouldRefuseADatasetWithoutColdValidationCases() {
        SequenceDataset plain =
                new SequenceDataset(
                        "t",
                        1,
                        new String[] {"[PAD]", "a", "b"},
                        null,
                        null,
                        null,
                        List.of(new SequenceExample(1, new int[] {1}, 2)),
                        List.of(new SequenceExample(1, new int[] {1, 2}, 1)),
                        List.of(new SequenceExample(1, new int[] {1, 2, 1}, 2)));
        Map<String, ScorerTrainer> grid = Map.of("x", (d, s) -> new Fixed(1));
        assertThatThrownBy(
                        () ->
                                new ColdValidatedTrainer(grid, null)
                                        .fit(plain, new TrainSettings("tiny", 1, 1, 1, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--cold-start-fraction");
    }
}
