package dev.missrec.model.sasrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Turns histories into the network's inputs, padded to the batch's own longest history (dynamic
 * padding; {@code LengthBucketBatcher} groups similar lengths).
 *
 * <p>Conventions, in one place: item id 0 = PAD; a history longer than L keeps its last L items;
 * real items at positions 0..len-1, PAD after them (right padding, as the reference,
 * MISSREC-SPEC.md §1.4, so a position embedding means "k-th item of the window"); the causal bias
 * is 0 where query i may see key j (j ≤ i) and {@link #MASKED} elsewhere.
 */
final class SasRecBatch {
    /** Added to masked attention scores; exp() of it underflows to exactly 0 in float32. */
    static final float MASKED = -1e9f;

    private SasRecBatch() {}

    /**
     * [ids (B, L) int64, last-position one-hot (B, L) float32, causal bias (L, L) float32], all in
     * {@code manager}.
     *
     * @throws IllegalArgumentException for an empty history or an id outside 1..numItems-1
     */
    static NDList inputs(NDManager manager, List<int[]> histories, int maxLength, int numItems) {
        int b = histories.size();
        if (b == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        int l = 0;
        for (int[] h : histories) {
            if (h.length == 0) {
                throw new IllegalArgumentException("empty history in batch");
            }
            l = Math.max(l, Math.min(h.length, maxLength));
        }
        long[] ids = new long[b * l];
        float[] last = new float[b * l];
        for (int r = 0; r < b; r++) {
            int[] h = histories.get(r);
            int len = Math.min(h.length, maxLength);
            int from = h.length - len;
            for (int t = 0; t < len; t++) {
                int item = h[from + t];
                if (item <= 0 || item >= numItems) {
                    throw new IllegalArgumentException(
                            "item id "
                                    + item
                                    + " outside 1.."
                                    + (numItems - 1)
                                    + " in history "
                                    + r);
                }
                ids[r * l + t] = item;
            }
            last[r * l + len - 1] = 1f;
        }
        return new NDList(
                manager.create(ids, new Shape(b, l)),
                manager.create(last, new Shape(b, l)),
                causalBias(manager, l));
    }

    /** The (L, L) additive causal mask. */
    static NDArray causalBias(NDManager manager, int l) {
        float[] bias = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                bias[i * l + j] = MASKED;
            }
        }
        return manager.create(bias, new Shape(l, l));
    }
}
