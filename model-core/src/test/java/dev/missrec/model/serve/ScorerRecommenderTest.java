package dev.missrec.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.model.eval.SequenceScorer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerRecommenderTest {
    private static final String[] TOKENS = {"[PAD]", "a", "b", "c", "d", "e"};

    /** Scores item i as i/10 plus 1 for the item after the history's last one. */
    private static final SequenceScorer NEXT_ITEM =
            new SequenceScorer() {
                @Override
                public String name() {
                    return "next-item";
                }

                @Override
                public float[][] score(List<int[]> histories) {
                    float[][] out = new float[histories.size()][TOKENS.length];
                    for (int b = 0; b < histories.size(); b++) {
                        int[] h = histories.get(b);
                        for (int i = 0; i < TOKENS.length; i++) {
                            out[b][i] = i / 10f;
                        }
                        out[b][0] = 100f; // padding must never be recommended
                        int next = h[h.length - 1] % (TOKENS.length - 1) + 1;
                        out[b][next] += 1f;
                    }
                    return out;
                }
            };

    @Test
    void shouldReturnTheTopKExternalIdsBestFirstWithoutPadding() {
        var rec = new ScorerRecommender(NEXT_ITEM, TOKENS, "v1", false);
        List<Recommendations> out =
                rec.recommend(List.of(new String[] {"a"}, new String[] {"c"}), 3);
        assertThat(out.get(0).itemIds()).containsExactly("b", "e", "d");
        assertThat(out.get(0).scores()).containsExactly(1.2f, 0.5f, 0.4f);
        assertThat(out.get(1).itemIds()).containsExactly("d", "e", "c");
        assertThat(rec.modelVersion()).isEqualTo("v1");
    }

    @Test
    void shouldLeaveOutSeenAndBlockedItems() {
        var rec = new ScorerRecommender(NEXT_ITEM, TOKENS, "v1", true);
        assertThat(rec.setRecommendable("b", false)).isTrue();
        assertThat(rec.setRecommendable("unknown", false)).isFalse();
        assertThat(rec.recommend(List.<String[]>of(new String[] {"e", "a"}), 2).get(0).itemIds())
                .containsExactly("d", "c");
        rec.setRecommendable("b", true);
        assertThat(rec.recommend(List.<String[]>of(new String[] {"e", "a"}), 1).get(0).itemIds())
                .containsExactly("b");
    }

    @Test
    void shouldIgnoreAndCountUnknownItems() {
        var rec = new ScorerRecommender(NEXT_ITEM, TOKENS, "v1", false);
        List<Recommendations> out =
                rec.recommend(List.of(new String[] {"zz", "a", "yy"}, new String[] {"nope"}), 2);
        assertThat(out.get(0).unknownItems()).isEqualTo(2);
        assertThat(out.get(0).itemIds()).containsExactly("b", "e");
        assertThat(out.get(1).unknownItems()).isEqualTo(1);
        assertThat(out.get(1).itemIds()).isEmpty();
        assertThat(rec.knows("a")).isTrue();
        assertThat(rec.knows("nope")).isFalse();
        assertThat(rec.knows("[PAD]")).isFalse();
    }

    @Test
    void shouldRefuseDuplicateItemIdsAndANonPositiveK() {
        assertThatThrownBy(
                        () ->
                                new ScorerRecommender(
                                        NEXT_ITEM, new String[] {"p", "a", "a"}, "v", false))
                .hasMessageContaining("'a' appears twice");
        var rec = new ScorerRecommender(NEXT_ITEM, TOKENS, "v1", false);
        assertThatThrownBy(() -> rec.recommend(List.<String[]>of(new String[] {"a"}), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topKShouldMatchAFullSortOnRandomScores() {
        java.util.Random rnd = new java.util.Random(7);
        for (int trial = 0; trial < 200; trial++) {
            float[] s = new float[1 + rnd.nextInt(60)];
            for (int i = 0; i < s.length; i++) {
                s[i] = rnd.nextInt(10); // many ties
            }
            int k = rnd.nextInt(12);
            int[] got = TopK.select(s, k, i -> true);
            int[] expected =
                    java.util.stream.IntStream.range(0, s.length)
                            .boxed()
                            .sorted(
                                    (a, b) ->
                                            s[a] != s[b]
                                                    ? Float.compare(s[b], s[a])
                                                    : Integer.compare(a, b))
                            .limit(k)
                            .mapToInt(Integer::intValue)
                            .toArray();
            assertThat(got).containsExactly(expected);
        }
    }
}
