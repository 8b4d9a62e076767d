package dev.missrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColdStartSplitTest {
    private static final SequenceDataset DATA =
            new SyntheticDatasetGenerator(
                            SyntheticDatasetGenerator.Options.builder()
                                    .optUsers(60)
                                    .optItems(50)
                                    .optTopics(4)
                                    .optFeatureDim(8)
                                    .optSeed(11)
                                    .build())
                    .generate();

    private static SequenceDataset tinyDataset() {
        // user 1: 1 2 3 4 5 -> train rows [1]->2, [1 2]->3; valid [1 2 3]->4; test [1 2 3 4]->5
        // user 2: 3 1 2 5   -> train [3]->1; valid [3 1]->2; test [3 1 2]->5
        List<SequenceExample> train =
                List.of(
                        new SequenceExample(1, new int[] {1}, 2),
                        new SequenceExample(1, new int[] {1, 2}, 3),
                        new SequenceExample(2, new int[] {3}, 1));
        List<SequenceExample> valid =
                List.of(
                        new SequenceExample(1, new int[] {1, 2, 3}, 4),
                        new SequenceExample(2, new int[] {3, 1}, 2));
        List<SequenceExample> test =
                List.of(
                        new SequenceExample(1, new int[] {1, 2, 3, 4}, 5),
                        new SequenceExample(2, new int[] {3, 1, 2}, 5));
        String[] tokens = {"[PAD]", "a", "b", "c", "d", "e"};
        return new SequenceDataset("tiny", 2, tokens, null, null, null, train, valid, test);
    }

    @Test
    void shouldCutHeldOutItemsOutOfTrainAndValidAndKeepTestWhole() {
        SequenceDataset cold = ColdStartSplit.holdOut(tinyDataset(), new int[] {2});

        // [1]->2 and the valid case ->2 go; [1 2]->3 becomes [1]->3
        assertThat(cold.train())
                .extracting(c -> Arrays.toString(c.history()) + "->" + c.target())
                .containsExactly("[1]->3", "[3]->1");
        assertThat(cold.valid())
                .extracting(c -> Arrays.toString(c.history()) + "->" + c.target())
                .containsExactly("[1, 3]->4");
        assertThat(cold.test())
                .extracting(c -> Arrays.toString(c.history()) + "->" + c.target())
                .containsExactly("[1, 2, 3, 4]->5", "[3, 1, 2]->5");
        assertThat(cold.heldOutItems()).containsExactly(2);
        assertThat(cold.knownItems()).containsExactly(false, true, false, true, true, true);
        assertThat(cold.coldTest()).isEmpty();
        // the dropped valid case ->2 is kept apart, history unchanged, for cold model selection
        assertThat(cold.coldValid())
                .extracting(c -> Arrays.toString(c.history()) + "->" + c.target())
                .containsExactly("[3, 1]->2");
        assertThat(tinyDataset().coldValid()).isEmpty();
    }

    @Test
    void shouldReportTestCasesWithAHeldOutTargetAsCold() {
        SequenceDataset cold = ColdStartSplit.holdOut(tinyDataset(), new int[] {5});
        assertThat(cold.coldTest()).hasSize(2).allMatch(c -> c.target() == 5);
        assertThat(tinyDataset().coldTest()).isEmpty();
    }

    @Test
    void shouldDrawTheFractionOfItemsWithTheSeedAndNeverMentionThemInTraining() {
        SequenceDataset a = ColdStartSplit.apply(DATA, 0.2, 7);
        SequenceDataset b = ColdStartSplit.apply(DATA, 0.2, 7);
        SequenceDataset c = ColdStartSplit.apply(DATA, 0.2, 8);

        assertThat(a.heldOutItems()).hasSize(10).containsExactly(b.heldOutItems());
        assertThat(a.heldOutItems()).isNotEqualTo(c.heldOutItems());
        Set<Integer> held = new HashSet<>();
        Arrays.stream(a.heldOutItems()).forEach(held::add);
        for (List<SequenceExample> split : List.of(a.train(), a.valid())) {
            for (SequenceExample e : split) {
                assertThat(held).doesNotContain(e.target());
                assertThat(Arrays.stream(e.history()).boxed().toList())
                        .doesNotContainAnyElementsOf(held);
            }
        }
        assertThat(a.test()).isEqualTo(DATA.test());
        assertThat(a.coldTest())
                .isNotEmpty()
                .allMatch(e -> held.contains(e.target()))
                .hasSize((int) DATA.test().stream().filter(e -> held.contains(e.target())).count());
    }

    @Test
    void shouldRejectFractionsOutsideTheOpenUnitInterval() {
        for (double f : new double[] {0, 1, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> ColdStartSplit.apply(DATA, f, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fraction");
        }
        assertThatThrownBy(() -> ColdStartSplit.apply(ColdStartSplit.apply(DATA, 0.1, 1), 0.1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already");
    }
}
