package dev.missrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.TrainedScorer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MostPopularTest {

    @Test
    void shouldRankTheMostFrequentTrainingItemFirst() {
        // training sequences (all but the last two items): [1,2,3], [2,3], [3,4]
        SequenceDataset d =
                TinyDatasets.of(
                        8,
                        new int[] {1, 2, 3, 5, 6},
                        new int[] {2, 3, 6, 6},
                        new int[] {3, 4, 7, 7});
        try (TrainedScorer pop = new MostPopular().fit(d, TinyDatasets.SETTINGS)) {
            float[] s = pop.score(List.of(new int[] {1}))[0];
            assertThat(TinyDatasets.ranking(s).subList(0, 2)).containsExactly(3, 2);
            assertThat(s[3]).isEqualTo(3f);
            assertThat(s[2]).isEqualTo(2f);
            assertThat(s[1]).isEqualTo(1f);
            // valid and test targets (5, 6, 7) are never counted
            assertThat(s[5]).isZero();
            assertThat(s[6]).isZero();
            assertThat(s[7]).isZero();
            assertThat(pop.trainableParameters()).isZero();
        }
    }

    @Test
    void shouldCountEachInteractionOnceNotOncePerPrefixRow() {
        // Item 1 opens a long sequence, so it is in the history of 5 training rows; item 9 occurs
        // once in each of two users' training sequences. Counting histories would rank 1 first.
        SequenceDataset d =
                TinyDatasets.of(
                        10,
                        new int[] {1, 2, 3, 4, 5, 6, 7, 8},
                        new int[] {9, 8, 7, 6},
                        new int[] {2, 9, 5, 6});
        try (TrainedScorer pop = new MostPopular().fit(d, TinyDatasets.SETTINGS)) {
            float[] s = pop.score(List.of(new int[] {4}, new int[] {5}))[1];
            assertThat(s[1]).isEqualTo(1f);
            assertThat(s[9]).isEqualTo(2f);
            assertThat(s[2]).isEqualTo(2f);
        }
    }
}
