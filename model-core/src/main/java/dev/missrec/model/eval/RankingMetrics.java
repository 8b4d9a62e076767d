package dev.missrec.model.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full-ranking metrics averaged over evaluation cases (MISSREC-SPEC.md §4.1): with one target per
 * case, HIT@K = 1[rank ≤ K], NDCG@K = 1/log2(rank+1) if rank ≤ K, MRR = 1/rank.
 *
 * @param cases number of evaluated cases
 */
public record RankingMetrics(
        int cases, double hit10, double ndcg10, double hit50, double ndcg50, double mrr) {

    /** The metrics under the names the JSON reports use. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hit@10", hit10);
        m.put("ndcg@10", ndcg10);
        m.put("hit@50", hit50);
        m.put("ndcg@50", ndcg50);
        m.put("mrr", mrr);
        return m;
    }

    @Override
    public String toString() {
        return String.format(
                "HIT@10=%.4f NDCG@10=%.4f HIT@50=%.4f NDCG@50=%.4f MRR=%.4f (n=%d)",
                hit10, ndcg10, hit50, ndcg50, mrr, cases);
    }
}
