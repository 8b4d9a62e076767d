package dev.missrec.model.eval;

/**
 * Settings shared by every trainer in a comparison.
 *
 * @param preset model size preset name ("paper" or "tiny"); baselines ignore it
 * @param seed seed for every random choice (initialisation, shuffling, dropout, k-means)
 * @param maxEpochs upper bound on epochs
 * @param patience stop after this many epochs without a better validation NDCG@10 (reference: 10)
 * @param progress whether to draw a progress bar on the terminal
 */
public record TrainSettings(
        String preset, long seed, int maxEpochs, int patience, boolean progress) {
    public TrainSettings {
        if (maxEpochs < 1 || patience < 1) {
            throw new IllegalArgumentException("maxEpochs and patience must be positive");
        }
    }
}
