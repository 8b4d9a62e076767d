package dev.missrec.model.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
        requireSameShape(adaptedText, adaptedImage);
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

    /**
     * Discovers interests from the items training knows, then gives every other item the interest
     * of its nearest centroid: what happens to an item that appears after training (cold-start
     * protocol, new items in the stream). With every item known this is {@link #discover}.
     *
     * @param known {@code known[i]} for items 1..N-1 whose points the clustering may use (length N,
     *     at least one true)
     */
    public static InterestTables discover(
            NDArray adaptedText,
            NDArray adaptedImage,
            boolean[] known,
            double ratio,
            int iterations,
            Random random,
            boolean torchpqCompat) {
        int n = Math.toIntExact(adaptedText.getShape().get(0));
        int d = Math.toIntExact(adaptedText.getShape().get(1));
        if (known.length != n) {
            throw new IllegalArgumentException(
                    "known-item mask has " + known.length + " entries for " + n + " items");
        }
        int count = 0;
        for (int i = 1; i < n; i++) {
            count += known[i] ? 1 : 0;
        }
        if (count == n - 1) {
            return discover(adaptedText, adaptedImage, ratio, iterations, random, torchpqCompat);
        }
        if (count == 0) {
            throw new IllegalArgumentException("no known item to discover interests from");
        }
        requireSameShape(adaptedText, adaptedImage);
        float[] t = adaptedText.toFloatArray();
        float[] v = adaptedImage.toFloatArray();
        // (count, D) ; (count, D) -> (2 count, D): the known items' text then image points
        float[] z = new float[2 * count * d];
        int row = 0;
        for (int i = 1; i < n; i++) {
            if (known[i]) {
                System.arraycopy(t, i * d, z, row * d, d);
                System.arraycopy(v, i * d, z, (count + row) * d, d);
                row++;
            }
        }
        KMeans.Result fit;
        int[] textLabels;
        int[] imageLabels;
        try (NDManager sub = adaptedText.getManager().newSubManager()) {
            NDArray points = sub.create(z, new Shape(2L * count, d));
            fit =
                    KMeans.fit(
                            points,
                            clusterCount(2 * count, ratio),
                            iterations,
                            random,
                            torchpqCompat);
            NDArray tAll = adaptedText.get("1:");
            tAll.attach(sub);
            NDArray vAll = adaptedImage.get("1:");
            vAll.attach(sub);
            textLabels = KMeans.assign(tAll, fit.centroids(), fit.k(), d);
            imageLabels = KMeans.assign(vAll, fit.centroids(), fit.k(), d);
        }
        int[] text = new int[n];
        int[] image = new int[n];
        for (int i = 1; i < n; i++) {
            text[i] = textLabels[i - 1] + 1;
            image[i] = imageLabels[i - 1] + 1;
        }
        float[] embeddings = new float[(fit.k() + 1) * d];
        System.arraycopy(fit.centroids(), 0, embeddings, d, fit.k() * d);
        return new InterestTables(text, image, embeddings, fit.k(), d);
    }

    private static void requireSameShape(NDArray adaptedText, NDArray adaptedImage) {
        if (!adaptedImage.getShape().equals(adaptedText.getShape())) {
            throw new IllegalArgumentException(
                    "adapted text "
                            + adaptedText.getShape()
                            + " and image "
                            + adaptedImage.getShape()
                            + " tables differ in shape");
        }
    }
}
