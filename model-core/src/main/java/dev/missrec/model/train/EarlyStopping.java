package dev.missrec.model.train;

/**
 * Early stopping on a validation metric where higher is better (RecBole's {@code early_stopping},
 * MISSREC-SPEC.md §3.2): a value equal to the best counts as an improvement, as RecBole's {@code
 * value >= best}.
 *
 * <p>Stopping point: after {@code patience} consecutive epochs without improvement, the meaning of
 * {@code TrainSettings.patience()}. RecBole stops one epoch later ({@code cur_step > 10}); the
 * difference only shortens a run whose best epoch is already behind it.
 */
public final class EarlyStopping {
    private final int patience;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;

    public EarlyStopping(int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be positive: " + patience);
        }
        this.patience = patience;
    }

    /**
     * Records the metric of 1-based {@code epoch}.
     *
     * @return true when this epoch is the new best (keep its weights)
     */
    public boolean record(int epoch, double value) {
        if (Double.isNaN(value)) {
            sinceBest++;
            return false;
        }
        if (value >= best) {
            best = value;
            bestEpoch = epoch;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    /** True once {@code patience} epochs in a row failed to improve. */
    public boolean shouldStop() {
        return sinceBest >= patience;
    }

    public double best() {
        return best;
    }

    /** 1-based best epoch, 0 before the first record. */
    public int bestEpoch() {
        return bestEpoch;
    }
}
