package dev.missrec.model.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.ScorerTrainer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * Training-free content recommender ({@code content}): each candidate's L2-normalised text and
 * image features scored by cosine against a recency-weighted profile of the history's features.
 *
 * <p>Per modality m, the profile is {@code p_m = Σ_k decay^(k-1) · f̂_m(h_k)} over the history
 * items that have the modality, k = 1 for the last item, then normalised; candidate j scores the
 * mean of {@code cos(p_m, f̂_m(j))} over the modalities j has (a missing modality, an all-zero row,
 * is skipped for that item, MISSREC-SPEC.md §1.1). No interaction is used, so items nobody bought
 * are scored like any other. Optionally the features are centred on their mean first (CLIP vectors
 * share a large common component, which compresses the cosines), and history items can be demoted
 * below all others (repeat purchases are rare in Amazon data).
 *
 * <p>{@code content} is the definition: raw normalised features against a recency-weighted
 * profile, only the decay chosen by validation NDCG@10. {@link #extended()} ({@code content-plus})
 * also searches centring and demotion. The test split is never looked at.
 *
 * <p>The cosines are one {@code (B, P) × (P, N)} product per batch and modality on the DJL engine;
 * the tables live in the scorer's own manager, freed by {@link TrainedScorer#close()}.
 */
public final class ContentSimilarity implements ScorerTrainer {
    private static final double[] DECAY_GRID = {0, 0.25, 0.5, 0.75, 0.9, 1.0};
    private static final int EVAL_BATCH = 512;
    private static final float NO_FEATURE_SCORE = -2f; // below any cosine
    private static final float DEMOTED_SCORE = -3f;

    private final Settings fixed;
    private final boolean[] centreGrid;
    private final boolean[] demoteGrid;

    /**
     * Profile settings.
     *
     * @param decay recency decay in [0, 1]: weight of the k-th last item is decay^(k-1) (0 = only
     *     the last item, 1 = plain mean)
     * @param centre whether features are centred on the mean item feature before normalising
     * @param demoteHistory whether items already in the history rank below all others
     */
    public record Settings(double decay, boolean centre, boolean demoteHistory) {
        public Settings {
            if (!(decay >= 0 && decay <= 1)) {
                throw new IllegalArgumentException("decay must be in [0, 1]: " + decay);
            }
        }
    }

    /** The plain content scorer; its recency decay is chosen on the validation split. */
    public ContentSimilarity() {
        this(null, new boolean[] {false}, new boolean[] {false});
    }

    /** A content scorer with fixed settings (no validation search). */
    public ContentSimilarity(Settings settings) {
        this(settings, null, null);
    }

    /** The content scorer plus feature centring and history demotion, chosen on valid. */
    public static ContentSimilarity extended() {
        return new ContentSimilarity(
                null, new boolean[] {false, true}, new boolean[] {false, true});
    }

    private ContentSimilarity(Settings fixed, boolean[] centreGrid, boolean[] demoteGrid) {
        this.fixed = fixed;
        this.centreGrid = centreGrid;
        this.demoteGrid = demoteGrid;
    }

    @Override
    public TrainedScorer fit(SequenceDataset data, TrainSettings settings) {
        List<ItemFeatureTable> modalities = new ArrayList<>();
        if (data.textFeatures() != null) {
            modalities.add(data.textFeatures());
        }
        if (data.imageFeatures() != null) {
            modalities.add(data.imageFeatures());
        }
        if (modalities.isEmpty()) {
            throw new IllegalArgumentException(
                    "content needs item features, but dataset " + data.name() + " has none");
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            Tables plain = new Tables(manager, modalities, false);
            Tables centred = new Tables(manager, modalities, true);
            if (fixed != null) {
                return new Scorer(manager, fixed.centre() ? centred : plain, fixed);
            }
            Scorer best = null;
            double bestNdcg = -1;
            for (boolean centre : centreGrid) {
                for (boolean demote : demoteGrid) {
                    for (double decay : DECAY_GRID) {
                        Settings s = new Settings(decay, centre, demote);
                        Scorer candidate = new Scorer(manager, centre ? centred : plain, s);
                        RankingMetrics valid =
                                RankingEvaluator.evaluate(candidate, data.valid(), EVAL_BATCH);
                        if (valid.ndcg10() > bestNdcg) {
                            bestNdcg = valid.ndcg10();
                            best = candidate;
                        }
                    }
                }
            }
            return best;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Normalised feature tables of every modality, in Java for profiles and on the engine. */
    private static final class Tables {
        final int numItems;
        final int modalities;

        /** [m][item] normalised row, or null when the item lacks modality m. */
        final float[][][] rows;

        /** [m] the (P, N) transposed normalised table on the engine. */
        final NDArray[] transposed;

        Tables(NDManager manager, List<ItemFeatureTable> tables, boolean centre) {
            modalities = tables.size();
            numItems = tables.get(0).rows();
            rows = new float[modalities][][];
            transposed = new NDArray[modalities];
            for (int m = 0; m < modalities; m++) {
                ItemFeatureTable t = tables.get(m);
                int p = t.dim();
                double[] mean = new double[p];
                int present = 0;
                for (int i = 1; i < numItems; i++) {
                    if (!t.isEmpty(i)) {
                        present++;
                        float[] r = t.row(i);
                        for (int d = 0; d < p; d++) {
                            mean[d] += r[d];
                        }
                    }
                }
                for (int d = 0; d < p; d++) {
                    mean[d] = centre && present > 0 ? mean[d] / present : 0;
                }
                rows[m] = new float[numItems][];
                float[] flat = new float[numItems * p];
                for (int i = 1; i < numItems; i++) {
                    if (t.isEmpty(i)) {
                        continue;
                    }
                    float[] r = t.row(i);
                    double norm = 0;
                    for (int d = 0; d < p; d++) {
                        r[d] -= (float) mean[d];
                        norm += (double) r[d] * r[d];
                    }
                    if (norm == 0) {
                        continue; // the item equals the mean: no direction, treat as missing
                    }
                    float inv = (float) (1 / Math.sqrt(norm));
                    for (int d = 0; d < p; d++) {
                        r[d] *= inv;
                    }
                    rows[m][i] = r;
                    System.arraycopy(r, 0, flat, i * p, p);
                }
                // (N, P) -> (P, N), so a batch of profiles multiplies it directly
                try (NDArray table = manager.create(flat, new Shape(numItems, p));
                        NDArray view = table.transpose()) {
                    transposed[m] = view.duplicate();
                }
            }
        }
    }

    private static final class Scorer implements CountingScorer {
        private final NDManager manager;
        private final Tables tables;
        private final Settings settings;

        Scorer(NDManager manager, Tables tables, Settings settings) {
            this.manager = manager;
            this.tables = tables;
            this.settings = settings;
        }

        @Override
        public String name() {
            return "content";
        }

        @Override
        public float[][] score(List<int[]> histories) {
            int b = histories.size();
            int n = tables.numItems;
            float[][] sum = new float[b][n];
            int[][] count = new int[b][n];
            for (int m = 0; m < tables.modalities; m++) {
                int p = (int) tables.transposed[m].getShape().get(0);
                float[] profiles = new float[b * p];
                boolean[] usable = new boolean[b];
                for (int r = 0; r < b; r++) {
                    usable[r] = profile(histories.get(r), tables.rows[m], profiles, r * p, p);
                }
                float[] cos;
                try (NDManager batch = manager.newSubManager()) {
                    NDArray prof = batch.create(profiles, new Shape(b, p));
                    cos = prof.matMul(tables.transposed[m]).toFloatArray(); // (B, P) x (P, N)
                }
                float[][] itemRows = tables.rows[m];
                for (int r = 0; r < b; r++) {
                    if (!usable[r]) {
                        continue;
                    }
                    for (int j = 1; j < n; j++) {
                        if (itemRows[j] != null) {
                            sum[r][j] += cos[r * n + j];
                            count[r][j]++;
                        }
                    }
                }
            }
            for (int r = 0; r < b; r++) {
                for (int j = 1; j < n; j++) {
                    sum[r][j] = count[r][j] == 0 ? NO_FEATURE_SCORE : sum[r][j] / count[r][j];
                }
                sum[r][0] = NO_FEATURE_SCORE;
                if (settings.demoteHistory()) {
                    for (int item : histories.get(r)) {
                        sum[r][item] = DEMOTED_SCORE;
                    }
                }
            }
            return sum;
        }

        /** Writes the normalised profile into {@code out[off..off+p)}; false if it is empty. */
        private boolean profile(int[] history, float[][] itemRows, float[] out, int off, int p) {
            double weight = 1;
            boolean any = false;
            for (int k = history.length - 1; k >= 0; k--) {
                float[] f = itemRows[history[k]];
                if (f != null && weight > 0) {
                    any = true;
                    for (int d = 0; d < p; d++) {
                        out[off + d] += (float) (weight * f[d]);
                    }
                }
                weight *= settings.decay();
            }
            if (!any) {
                return false;
            }
            double norm = 0;
            for (int d = 0; d < p; d++) {
                norm += (double) out[off + d] * out[off + d];
            }
            if (norm == 0) {
                return false;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < p; d++) {
                out[off + d] *= inv;
            }
            return true;
        }

        @Override
        public String chosenSettings() {
            return String.format(
                    "decay=%s centre=%s demoteHistory=%s",
                    settings.decay(), settings.centre(), settings.demoteHistory());
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
