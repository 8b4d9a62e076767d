package dev.missrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.TrainedScorer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkovChainTest {
    private static final MarkovChain.Settings FIRST_ORDER =
            new MarkovChain.Settings(1.0, 0.0, false);

    // Training sequences: [1,2,3,4], [1,2,5,6], [5,3,7,8], [7,7,7] (last two items held out).
    private static SequenceDataset data() {
        return TinyDatasets.of(
                10,
                new int[] {1, 2, 3, 4, 9, 9},
                new int[] {1, 2, 5, 6, 9, 8},
                new int[] {5, 3, 7, 8, 6, 9},
                new int[] {7, 7, 7, 1, 2});
    }

    @Test
    void shouldRankTheObservedSuccessorFirst() {
        try (TrainedScorer markov =
                new MarkovChain(FIRST_ORDER).fit(data(), TinyDatasets.SETTINGS)) {
            float[] afterTwo = markov.score(List.of(new int[] {4, 2}))[0];
            // 2 -> 3 once and 2 -> 5 once: both ahead of everything else
            assertThat(TinyDatasets.ranking(afterTwo).subList(0, 2))
                    .containsExactlyInAnyOrder(3, 5);
            float[] afterOne = markov.score(List.of(new int[] {1}))[0];
            assertThat(TinyDatasets.ranking(afterOne).get(0)).isEqualTo(2);
        }
    }

    @Test
    void shouldComputeTheSmoothedTransitionProbability() {
        try (TrainedScorer markov =
                new MarkovChain(FIRST_ORDER).fit(data(), TinyDatasets.SETTINGS)) {
            float[] s = markov.score(List.of(new int[] {3}))[0];
            // c(3->4) = 1, c(3->7) = 1, c(3->.) = 2; item counts: 1:2 2:2 3:2 4:1 5:2 6:1 7:4 8:1,
            // total 15; P(4|3) = (1 + 1 * 1/15) / (2 + 1)
            assertThat(s[4])
                    .isCloseTo((1f + 1f / 15) / 3, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(s[8]).isCloseTo((1f / 15) / 3, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void shouldBackOffToPopularityForAnItemNeverSeenAsASource() {
        try (TrainedScorer markov =
                new MarkovChain(FIRST_ORDER).fit(data(), TinyDatasets.SETTINGS)) {
            // 9 only occurs in held-out positions: no transitions from it
            float[] s = markov.score(List.of(new int[] {9}))[0];
            assertThat(TinyDatasets.ranking(s).get(0)).isEqualTo(7); // most popular (4 times)
        }
    }

    @Test
    void shouldNotCountTransitionsIntoValidationOrTestTargets() {
        try (TrainedScorer markov =
                new MarkovChain(FIRST_ORDER).fit(data(), TinyDatasets.SETTINGS)) {
            // 4 -> 9 is a validation transition; 9 was never a training item, so it scores 0
            float[] s = markov.score(List.of(new int[] {4}))[0];
            assertThat(s[9]).isZero();
        }
    }

    @Test
    void shouldDemoteHistoryItemsWhenAsked() {
        MarkovChain.Settings demote = new MarkovChain.Settings(1.0, 0.0, true);
        try (TrainedScorer markov = new MarkovChain(demote).fit(data(), TinyDatasets.SETTINGS)) {
            // 7 -> 7 twice is the strongest transition from 7, but 7 is in the history
            float[] s = markov.score(List.of(new int[] {7}))[0];
            assertThat(TinyDatasets.ranking(s).get(0)).isEqualTo(8);
            assertThat(TinyDatasets.ranking(s)).last().isEqualTo(7);
        }
        try (TrainedScorer markov =
                new MarkovChain(FIRST_ORDER).fit(data(), TinyDatasets.SETTINGS)) {
            assertThat(TinyDatasets.ranking(markov.score(List.of(new int[] {7}))[0]).get(0))
                    .isEqualTo(7);
        }
    }

    @Test
    void shouldAddTheSecondLastItemsChainWithItsWeight() {
        MarkovChain.Settings both = new MarkovChain.Settings(0.0, 0.5, false);
        try (TrainedScorer markov = new MarkovChain(both).fit(data(), TinyDatasets.SETTINGS)) {
            float[] s = markov.score(List.of(new int[] {1, 5}))[0];
            // P(.|5): 6 and 3 at 1/2 each; 0.5 * P(.|1): 2 at 1
            assertThat(s[6]).isEqualTo(0.5f);
            assertThat(s[3]).isEqualTo(0.5f);
            assertThat(s[2]).isEqualTo(0.5f);
        }
    }

    @Test
    void shouldChooseItsSettingsOnTheValidationSplit() {
        try (TrainedScorer markov = new MarkovChain().fit(data(), TinyDatasets.SETTINGS)) {
            assertThat(markov.name()).isEqualTo("markov");
            assertThat(markov.chosenSettings()).contains("alpha=").contains("w2=");
        }
    }
}
