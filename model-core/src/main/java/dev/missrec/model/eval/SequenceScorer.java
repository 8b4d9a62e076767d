package dev.missrec.model.eval;

import java.util.List;

/**
 * Anything that scores every item for a batch of histories: trained models and baselines alike, so
 * all of them are evaluated by the same full-ranking code (MISSREC-SPEC.md §4.1).
 */
public interface SequenceScorer {

    /** A short name for reports, e.g. "markov" or "missrec-transductive". */
    String name();

    /**
     * Scores all N items (index = internal item id, including PAD at 0, whose score is ignored) for
     * each history.
     *
     * @param histories item ids oldest first, no padding
     * @return one row of N scores per history; higher is better
     */
    float[][] score(List<int[]> histories);
}
