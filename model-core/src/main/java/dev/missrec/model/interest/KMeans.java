package dev.missrec.model.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Mini-batch k-means as torchpq's {@code MinibatchKMeans} is used by the reference (MISSREC-SPEC.md
 * §2.3): Euclidean distance, centroids initialised from K distinct points, running per-cluster
 * counts starting at 1, {@code c <- c(1 - 1/n) + mean/n}, empty clusters contributing a zero mean,
 * {@code niter} passes with an early stop when the centroids stop moving, then a final assignment.
 *
 * <p>In fine-tuning the reference's mini-batch is always the whole point set (it grows the batch to
 * 1.1 K and merges a small tail), so each pass here uses all points. Distances run on the points'
 * device as chunked {@code ||c||^2 - 2 x·c^T} plus {@code argMin}; the centroid means are
 * accumulated on the host.
 *
 * <p>The early stop compares the summed squared centroid shift of a pass with {@link #TOLERANCE};
 * the spec gives the reference's threshold but not its exact error measure, so this is our reading.
 *
 * <p>{@code torchpqCompat} reproduces torchpq's in-place absolute-value quirk (§7.1 P1): after each
 * labelling the centroids become |c| and the cluster means are means of |x|. Off by default: it
 * only matters for reusing a checkpoint pretrained with it.
 */
public final class KMeans {
    /** The reference's stop threshold on the centroid shift (cluster_utils.py:83-96). */
    public static final double TOLERANCE = 1e-5;

    /** Upper bound on the floats of one (chunk, K) distance block. */
    private static final long DISTANCE_BLOCK_FLOATS = 1L << 24;

    private KMeans() {}

    /**
     * A fitted clustering.
     *
     * @param k number of clusters
     * @param dim D
     * @param centroids row-major (K, D)
     * @param labels cluster of each point, 0-based
     * @param iterations passes actually run
     */
    public record Result(int k, int dim, float[] centroids, int[] labels, int iterations) {}

    /**
     * Clusters the rows of {@code points} (M, D).
     *
     * @param k number of clusters, 1..M
     * @param iterations maximum passes ({@code niter}, 5 in the reference)
     * @param random source of the initial choice of K points
     * @param torchpqCompat reproduce torchpq's absolute-value quirk
     */
    public static Result fit(
            NDArray points, int k, int iterations, Random random, boolean torchpqCompat) {
        if (points.getShape().dimension() != 2) {
            throw new IllegalArgumentException("points must be (M, D), got " + points.getShape());
        }
        int m = Math.toIntExact(points.getShape().get(0));
        int d = Math.toIntExact(points.getShape().get(1));
        if (k < 1 || k > m) {
            throw new IllegalArgumentException("k = " + k + " must be in 1.." + m + " (points)");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        float[] x = points.toFloatArray();
        float[] c = new float[k * d];
        int[] chosen = chooseDistinct(m, k, random);
        for (int j = 0; j < k; j++) {
            System.arraycopy(x, chosen[j] * d, c, j * d, d);
        }
        return fitFrom(points, x, c, k, d, iterations, torchpqCompat);
    }

    /**
     * Runs the passes from the given initial centroids (row-major (K, D)); {@link #fit} draws them
     * from the points. Package-private so tests can follow the update rule by hand.
     */
    static Result fitFrom(NDArray points, float[] initial, int iterations, boolean torchpqCompat) {
        int d = Math.toIntExact(points.getShape().get(1));
        return fitFrom(
                points,
                points.toFloatArray(),
                initial.clone(),
                initial.length / d,
                d,
                iterations,
                torchpqCompat);
    }

    private static Result fitFrom(
            NDArray points,
            float[] x,
            float[] c,
            int k,
            int d,
            int iterations,
            boolean torchpqCompat) {
        double[] counts = new double[k];
        java.util.Arrays.fill(counts, 1.0);
        int run = 0;
        for (int it = 0; it < iterations; it++) {
            run++;
            int[] labels = assign(points, c, k, d);
            if (torchpqCompat) {
                abs(c);
            }
            float[] mean = clusterMeans(x, labels, k, d, torchpqCompat);
            int[] size = new int[k];
            for (int label : labels) {
                size[label]++;
            }
            double shift = 0;
            for (int j = 0; j < k; j++) {
                double inv = 1.0 / counts[j];
                for (int q = 0; q < d; q++) {
                    int i = j * d + q;
                    float updated = (float) (c[i] * (1 - inv) + mean[i] * inv);
                    shift += (updated - c[i]) * (double) (updated - c[i]);
                    c[i] = updated;
                }
                counts[j] += size[j];
            }
            if (shift < TOLERANCE) {
                break;
            }
        }
        return new Result(k, d, c, assign(points, c, k, d), run);
    }

    /** Nearest centroid of every row of {@code points}, computed on the points' device. */
    public static int[] assign(NDArray points, float[] centroids, int k, int d) {
        int m = Math.toIntExact(points.getShape().get(0));
        int[] labels = new int[m];
        try (NDManager sub = points.getManager().newSubManager()) {
            NDArray c = sub.create(centroids, new Shape(k, d));
            // ||x||^2 is the same for every centroid of a row, so it does not change the argmin
            NDArray cNorm = c.square().sum(new int[] {1}).reshape(1, k);
            NDArray ct = c.transpose();
            int chunk = (int) Math.max(1, Math.min(m, DISTANCE_BLOCK_FLOATS / k));
            for (int start = 0; start < m; start += chunk) {
                int end = Math.min(m, start + chunk);
                try (NDManager step = sub.newSubManager()) {
                    NDArray xs = points.get(start + ":" + end);
                    xs.attach(step);
                    NDArray dist = cNorm.sub(xs.matMul(ct).mul(2f)); // (chunk, K)
                    dist.attach(step);
                    long[] arg = dist.argMin(1).toLongArray();
                    for (int i = 0; i < arg.length; i++) {
                        labels[start + i] = (int) arg[i];
                    }
                }
            }
        }
        return labels;
    }

    private static float[] clusterMeans(float[] x, int[] labels, int k, int d, boolean useAbs) {
        float[] sum = new float[k * d];
        int[] size = new int[k];
        for (int p = 0; p < labels.length; p++) {
            int j = labels[p];
            size[j]++;
            for (int q = 0; q < d; q++) {
                float v = x[p * d + q];
                sum[j * d + q] += useAbs ? Math.abs(v) : v;
            }
        }
        for (int j = 0; j < k; j++) {
            if (size[j] > 0) {
                for (int q = 0; q < d; q++) {
                    sum[j * d + q] /= size[j];
                }
            }
        }
        return sum;
    }

    private static void abs(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
    }

    /** K distinct indices of 0..M-1 by a partial Fisher-Yates shuffle. */
    private static int[] chooseDistinct(int m, int k, Random random) {
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(m - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return java.util.Arrays.copyOf(idx, k);
    }
}
