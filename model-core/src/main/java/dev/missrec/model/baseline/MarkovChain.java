package dev.missrec.model.baseline;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.ScorerTrainer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * First-order Markov chain ({@code markov}): item-to-item transitions counted on the users'
 * training sequences, smoothed towards popularity.
 *
 * <p>For the last history item {@code i}, {@code P(j | i) = (c(i→j) + α·pop(j)) / (c(i→·) + α)},
 * with {@code pop} the training popularity distribution: a Dirichlet-smoothed chain that backs off
 * to popularity entirely for an item never seen as a source. Optionally the second-last item adds
 * {@code w2 · P(j | i₂)}, and history items can be demoted below every other item (repeat purchases
 * are rare in Amazon data: under 1% of Scientific's targets are in the history).
 *
 * <p>{@code markov} is the plain first-order chain of the definition: only α is chosen, by
 * validation NDCG@10. {@link #extended()} ({@code markov-plus}) also searches w2 and the demotion,
 * a stronger baseline reported beside it. The test split is never looked at.
 */
public final class MarkovChain implements ScorerTrainer {
    private static final double[] ALPHA_GRID = {0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250};
    private static final double[] SECOND_LAST_GRID = {0, 0.1, 0.25, 0.5, 0.75, 1.0};
    private static final int EVAL_BATCH = 512;

    private final Settings fixed;
    private final double[] secondLastGrid;
    private final boolean[] demoteGrid;

    /**
     * Smoothing settings.
     *
     * @param popularityBackoff α ≥ 0, pseudo-counts of popularity added to every source item
     * @param secondLastWeight w2 ≥ 0, weight of the chain from the second-last item (0 = pure first
     *     order)
     * @param demoteHistory whether items already in the history rank below all others
     */
    public record Settings(
            double popularityBackoff, double secondLastWeight, boolean demoteHistory) {
        public Settings {
            if (!(popularityBackoff >= 0) || !(secondLastWeight >= 0)) {
                throw new IllegalArgumentException(
                        "popularityBackoff and secondLastWeight must be >= 0");
            }
        }
    }

    /** The first-order chain; its popularity back-off α is chosen on the validation split. */
    public MarkovChain() {
        this(null, new double[] {0}, new boolean[] {false});
    }

    /** A chain with fixed settings (no validation search). */
    public MarkovChain(Settings settings) {
        this(settings, null, null);
    }

    /** The chain plus the second-last-item term and history demotion, all chosen on valid. */
    public static MarkovChain extended() {
        return new MarkovChain(null, SECOND_LAST_GRID, new boolean[] {false, true});
    }

    private MarkovChain(Settings fixed, double[] secondLastGrid, boolean[] demoteGrid) {
        this.fixed = fixed;
        this.secondLastGrid = secondLastGrid;
        this.demoteGrid = demoteGrid;
    }

    @Override
    public TrainedScorer fit(SequenceDataset data, TrainSettings settings) {
        TrainingCounts counts = TrainingCounts.of(data);
        Model model = new Model(counts);
        if (fixed != null) {
            return new Scorer(model, fixed);
        }
        Scorer best = null;
        double bestNdcg = -1;
        for (boolean demote : demoteGrid) {
            for (double alpha : ALPHA_GRID) {
                for (double w2 : secondLastGrid) {
                    Scorer candidate = new Scorer(model, new Settings(alpha, w2, demote));
                    RankingMetrics valid =
                            RankingEvaluator.evaluate(candidate, data.valid(), EVAL_BATCH);
                    // Strictly greater: on a tie keep the earlier, simpler setting.
                    if (valid.ndcg10() > bestNdcg) {
                        bestNdcg = valid.ndcg10();
                        best = candidate;
                    }
                }
            }
        }
        return best;
    }

    /** Counts in sparse rows: for source item i, its successors and their counts. */
    private static final class Model {
        final int numItems;
        final float[] popularity;
        final int[][] successors;
        final int[][] successorCounts;
        final long[] outCounts;

        Model(TrainingCounts counts) {
            numItems = counts.numItems;
            popularity = new float[numItems];
            for (int j = 1; j < numItems; j++) {
                popularity[j] =
                        counts.totalCount == 0
                                ? 0f
                                : (float) ((double) counts.itemCounts[j] / counts.totalCount);
            }
            successors = new int[numItems][];
            successorCounts = new int[numItems][];
            outCounts = new long[numItems];
            for (Map.Entry<Integer, Map<Integer, Integer>> e : counts.transitions.entrySet()) {
                int i = e.getKey();
                List<Map.Entry<Integer, Integer>> row = new ArrayList<>(e.getValue().entrySet());
                successors[i] = new int[row.size()];
                successorCounts[i] = new int[row.size()];
                for (int k = 0; k < row.size(); k++) {
                    successors[i][k] = row.get(k).getKey();
                    successorCounts[i][k] = row.get(k).getValue();
                    outCounts[i] += row.get(k).getValue();
                }
            }
        }

        /** Adds {@code weight · P(· | source)} to {@code row}. */
        void addChain(float[] row, int source, double weight, double alpha) {
            double denom = outCounts[source] + alpha;
            if (denom == 0) {
                // no outgoing transition and no smoothing: back off to popularity alone
                for (int j = 1; j < numItems; j++) {
                    row[j] += (float) (weight * popularity[j]);
                }
                return;
            }
            double popScale = weight * alpha / denom;
            if (popScale != 0) {
                for (int j = 1; j < numItems; j++) {
                    row[j] += (float) (popScale * popularity[j]);
                }
            }
            int[] succ = successors[source];
            if (succ != null) {
                int[] cnt = successorCounts[source];
                for (int k = 0; k < succ.length; k++) {
                    row[succ[k]] += (float) (weight * cnt[k] / denom);
                }
            }
        }
    }

    private record Scorer(Model model, Settings settings) implements CountingScorer {
        @Override
        public String name() {
            return "markov";
        }

        @Override
        public float[][] score(List<int[]> histories) {
            float[][] out = new float[histories.size()][];
            for (int b = 0; b < out.length; b++) {
                int[] h = histories.get(b);
                float[] row = new float[model.numItems];
                model.addChain(row, h[h.length - 1], 1.0, settings.popularityBackoff());
                if (settings.secondLastWeight() > 0 && h.length > 1) {
                    model.addChain(
                            row,
                            h[h.length - 2],
                            settings.secondLastWeight(),
                            settings.popularityBackoff());
                }
                if (settings.demoteHistory()) {
                    for (int item : h) {
                        row[item] = -1f; // every real score is >= 0
                    }
                }
                out[b] = row;
            }
            return out;
        }

        @Override
        public String chosenSettings() {
            return String.format(
                    "alpha=%s w2=%s demoteHistory=%s",
                    settings.popularityBackoff(),
                    settings.secondLastWeight(),
                    settings.demoteHistory());
        }
    }
}
