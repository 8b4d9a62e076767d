package dev.missrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.TrainedScorer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentSimilarityTest {
    private static final ContentSimilarity.Settings LAST_ONLY =
            new ContentSimilarity.Settings(0.0, false, false);

    /** Items 1..6 in 2-d: text and image both along the given angle, except where noted. */
    private static SequenceDataset data() {
        ItemFeatureTable text = ItemFeatureTable.zeros(7, 2);
        ItemFeatureTable image = ItemFeatureTable.zeros(7, 2);
        text.setRow(1, new float[] {1, 0});
        text.setRow(2, new float[] {0, 3}); // scale does not matter after L2-normalising
        text.setRow(3, new float[] {1, 1});
        text.setRow(4, new float[] {-1, 0});
        // item 5 has no text: only its image counts
        text.setRow(6, new float[] {0, 1});
        image.setRow(1, new float[] {1, 0});
        image.setRow(2, new float[] {0, 1});
        image.setRow(3, new float[] {1, 1});
        image.setRow(4, new float[] {-1, 0});
        image.setRow(5, new float[] {2, 0});
        // item 6 has no image
        return TinyDatasets.of(7, text, image, new int[] {1, 2, 3}, new int[] {2, 3, 4});
    }

    @Test
    void shouldRankItemsWhoseFeaturesEqualTheProfileFirst() {
        try (TrainedScorer content =
                new ContentSimilarity(LAST_ONLY).fit(data(), TinyDatasets.SETTINGS)) {
            float[] s = content.score(List.of(new int[] {2, 1}))[0];
            // profile = item 1 = (1,0) in both modalities: 1 and the image-only item 5 score 1
            assertThat(s[1]).isCloseTo(1f, offset(1e-6f));
            assertThat(s[5]).isCloseTo(1f, offset(1e-6f));
            assertThat(s[3]).isCloseTo((float) Math.sqrt(0.5), offset(1e-6f));
            assertThat(s[2]).isCloseTo(0f, offset(1e-6f));
            assertThat(s[4]).isCloseTo(-1f, offset(1e-6f));
            assertThat(TinyDatasets.ranking(s)).last().isEqualTo(4);
        }
    }

    @Test
    void shouldSkipAMissingModalityForThatItemOnly() {
        try (TrainedScorer content =
                new ContentSimilarity(LAST_ONLY).fit(data(), TinyDatasets.SETTINGS)) {
            float[] s = content.score(List.of(new int[] {2}))[0];
            // item 6 (text (0,1), no image) matches the profile's text exactly
            assertThat(s[6]).isCloseTo(1f, offset(1e-6f));
            // item 5 (image (1,0), no text) is orthogonal to the image profile (0,1)
            assertThat(s[5]).isCloseTo(0f, offset(1e-6f));
        }
    }

    @Test
    void shouldWeightRecentItemsMoreWithDecay() {
        ContentSimilarity.Settings half = new ContentSimilarity.Settings(0.5, false, false);
        try (TrainedScorer content =
                new ContentSimilarity(half).fit(data(), TinyDatasets.SETTINGS)) {
            // profile ∝ 1·(0,1) + 0.5·(1,0): item 2 (0,1) beats item 1 (1,0)
            float[] s = content.score(List.of(new int[] {1, 2}))[0];
            assertThat(s[2]).isGreaterThan(s[1]);
            assertThat(s[2]).isCloseTo((float) (1 / Math.sqrt(1.25)), offset(1e-5f));
        }
        ContentSimilarity.Settings mean = new ContentSimilarity.Settings(1.0, false, false);
        try (TrainedScorer content =
                new ContentSimilarity(mean).fit(data(), TinyDatasets.SETTINGS)) {
            float[] s = content.score(List.of(new int[] {1, 2}))[0];
            // plain mean: (1,1) direction, item 3 is exactly the profile
            assertThat(TinyDatasets.ranking(s).get(0)).isEqualTo(3);
        }
    }

    @Test
    void shouldScoreItemsNobodyInteractedWith() {
        try (TrainedScorer content =
                new ContentSimilarity(LAST_ONLY).fit(data(), TinyDatasets.SETTINGS)) {
            // item 5 and 6 never occur in any sequence, yet they are ranked by their features
            float[] s = content.score(List.of(new int[] {4}))[0];
            assertThat(s[5]).isCloseTo(-1f, offset(1e-6f));
            assertThat(s[6]).isCloseTo(0f, offset(1e-6f));
        }
    }

    @Test
    void shouldDemoteHistoryItemsWhenAsked() {
        ContentSimilarity.Settings demote = new ContentSimilarity.Settings(0.0, false, true);
        try (TrainedScorer content =
                new ContentSimilarity(demote).fit(data(), TinyDatasets.SETTINGS)) {
            float[] s = content.score(List.of(new int[] {1}))[0];
            assertThat(TinyDatasets.ranking(s).get(0)).isEqualTo(5);
            assertThat(TinyDatasets.ranking(s)).last().isEqualTo(1);
        }
    }

    @Test
    void shouldChooseSettingsOnValidAndFreeItsTablesWhenClosed() {
        TrainedScorer content = new ContentSimilarity().fit(data(), TinyDatasets.SETTINGS);
        assertThat(content.chosenSettings()).contains("decay=");
        assertThat(content.score(List.of(new int[] {1}))).hasNumberOfRows(1);
        content.close();
        assertThatThrownBy(() -> content.score(List.of(new int[] {1})))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseADatasetWithoutFeatures() {
        SequenceDataset noFeatures = TinyDatasets.of(5, new int[] {1, 2, 3, 4});
        assertThatThrownBy(() -> new ContentSimilarity().fit(noFeatures, TinyDatasets.SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs item features");
    }
}
