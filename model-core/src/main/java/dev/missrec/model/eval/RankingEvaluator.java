package dev.missrec.model.eval;

import dev.missrec.model.data.SequenceExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Full-ranking evaluation over all items, the reference protocol (MISSREC-SPEC.md §4.1): PAD is
 * never ranked, history items are not masked, one target per case.
 *
 * <p>Ties are broken pessimistically: the target's rank is 1 + the number of other items scoring
 * greater than <em>or equal to</em> it. This keeps a scorer that gives many items the same score
 * (popularity, an untrained model) from being credited with a lucky tie order.
 */
public final class RankingEvaluator {
    private RankingEvaluator() {}

    /** Evaluates {@code scorer} on {@code cases}, scoring {@code batchSize} histories per call. */
    public static RankingMetrics evaluate(
            SequenceScorer scorer, List<SequenceExample> cases, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
        }
        double hit10 = 0, ndcg10 = 0, hit50 = 0, ndcg50 = 0, mrr = 0;
        for (int start = 0; start < cases.size(); start += batchSize) {
            List<SequenceExample> batch =
                    cases.subList(start, Math.min(cases.size(), start + batchSize));
            List<int[]> histories = new ArrayList<>(batch.size());
            for (SequenceExample c : batch) {
                histories.add(c.history());
            }
            float[][] scores = scorer.score(histories);
            if (scores.length != batch.size()) {
                throw new IllegalStateException(
                        scorer.name()
                                + " returned "
                                + scores.length
                                + " rows for "
                                + batch.size()
                                + " histories");
            }
            for (int b = 0; b < batch.size(); b++) {
                int rank = rankOf(scores[b], batch.get(b).target());
                mrr += 1.0 / rank;
                if (rank <= 50) {
                    double gain = 1.0 / (Math.log(rank + 1) / Math.log(2));
                    hit50 += 1;
                    ndcg50 += gain;
                    if (rank <= 10) {
                        hit10 += 1;
                        ndcg10 += gain;
                    }
                }
            }
        }
        int n = Math.max(cases.size(), 1);
        return new RankingMetrics(
                cases.size(), hit10 / n, ndcg10 / n, hit50 / n, ndcg50 / n, mrr / n);
    }

    /**
     * 1-based rank of {@code target} among items 1..N-1 (PAD at 0 excluded), ties pessimistic. A
     * NaN score for the target ranks it last.
     */
    public static int rankOf(float[] scores, int target) {
        if (target <= 0 || target >= scores.length) {
            throw new IllegalArgumentException(
                    "target " + target + " outside 1.." + (scores.length - 1));
        }
        float t = scores[target];
        if (Float.isNaN(t)) {
            return scores.length - 1;
        }
        int rank = 1;
        for (int i = 1; i < scores.length; i++) {
            if (i != target && scores[i] >= t) {
                rank++;
            }
        }
        return rank;
    }
}
