package dev.missrec.model.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * Multi-modal interest discovery run before every epoch (MISSREC-SPEC.md §2.3): k-means over {@code
 * Z = [TA(text[1:]); VA(image[1:])]}, {@code K = max(ceil(ratio * |Z|), 1)}, cluster ids shifted by
 * one so that 0 stays the padding token.
 *
 * <p>Items missing a modality are clustered like the others, as the reference does: their adapted
 * all-zero row is the adapter's bias, so all such items share one point and usually one interest.
 */
public final class InterestDiscovery {
    private InterestDiscovery() {}

    /** K for {@code points} points: {@code max(ceil(ratio * points), 1)} (missrec.py:48). */
    public static int clusterCount(int points, double ratio) {
        if (!(ratio > 0) || ratio > 1) {
            throw new IllegalArgumentException("interest ratio must be in (0, 1]: " + ratio);
        }
        return Math.max((int) Math.ceil(points * ratio), 1);
    }

    /**
     * Discovers interests from the adapted item tables.
     *
     * @param adaptedText TA(text) for all N items including PAD, (N, D)
     * @param adaptedImage VA(image) for all N items including PAD, (N, D)
     * @param ratio interest ratio (0.5 in fine-tuning)
     * @param iterations k-means passes (5)
     * @param random seeded source for the k-means initialisation
     * @param torchpqCompat reproduce torchpq's absolute-value quirk
     */
    public static InterestTables discover(
            NDArray adaptedText,
            NDArray adaptedImage,
            double ratio,
            int iterations,
            Random random,
            boolean torchpqCompat) {
        int n = Math.toIntExact(adaptedText.getShape().get(0));
        int d = Math.toIntExact(adaptedText.getShape().get(1));
        if (!adaptedImage.getShape().equals(adaptedText.getShape())) {
            throw new IllegalArgumentException(
                    "adapted text "
                            + adaptedText.getShape()
                            + " and image "
                            + adaptedImage.getShape()
                            + " tables differ in shape");
        }
        if (n < 2) {
            throw new IllegalArgumentException("need at least one real item, got N = " + n);
        }
        KMeans.Result fit;
        try (NDManager sub = adaptedText.getManager().newSubManager()) {
            // (N-1, D) ; (N-1, D) -> (2(N-1), D), PAD rows dropped
            NDArray t = adaptedText.get("1:");
            t.attach(sub);
            NDArray v = adaptedImage.get("1:");
            v.attach(sub);
            NDArray z = t.concat(v, 0);
            int k = clusterCount(2 * (n - 1), ratio);
            fit = KMeans.fit(z, k, iterations, random, torchpqCompat);
        }
        int[] text = new int[n];
        int[] image = new int[n];
        for (int i = 1; i < n; i++) {
            text[i] = fit.labels()[i - 1] + 1;
            image[i] = fit.labels()[n - 1 + i - 1] + 1;
        }
        float[] embeddings = new float[(fit.k() + 1) * d];
        System.arraycopy(fit.centroids(), 0, embeddings, d, fit.k() * d);
        return new InterestTables(text, image, embeddings, fit.k(), d);
    }
}
