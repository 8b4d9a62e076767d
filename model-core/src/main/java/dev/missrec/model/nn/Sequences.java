package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.List;

/**
 * The sequence conventions of the reference in one place (MISSREC-SPEC.md §1.4, §2.2 step 7): item
 * id 0 is padding, a history keeps its last L items, real items sit at positions 0..len-1 followed
 * by padding (so position embeddings mean the same as in the reference), and the model reads the
 * output at position len-1.
 *
 * <p>Shapes: B batch, T padded width (the longest history of the batch, at most L), D hidden.
 */
public final class Sequences {
    private Sequences() {}

    /**
     * A batch of right-padded histories.
     *
     * @param batch B
     * @param width T, the longest (truncated) history in the batch
     * @param items row-major (B, T) item ids, 0 after each history's end
     * @param lengths (B) history lengths after truncation, each in 1..T
     */
    public record PaddedBatch(int batch, int width, long[] items, long[] lengths) {
        /** The item ids as an int64 (B, T) array. */
        public NDArray itemArray(NDManager manager) {
            return manager.create(items, new Shape(batch, width));
        }

        /** The lengths as an int64 (B) array. */
        public NDArray lengthArray(NDManager manager) {
            return manager.create(lengths, new Shape(batch));
        }
    }

    /** The last {@code maxLength} items of {@code history} (the reference's {@code [-50:]}). */
    public static int[] truncate(int[] history, int maxLength) {
        if (history.length <= maxLength) {
            return history;
        }
        return java.util.Arrays.copyOfRange(history, history.length - maxLength, history.length);
    }

    /**
     * Right-pads histories to the batch's longest one (dynamic padding), after keeping each one's
     * last {@code maxLength} items.
     *
     * @throws IllegalArgumentException on an empty batch, an empty history or an item id below 1
     */
    public static PaddedBatch padRight(List<int[]> histories, int maxLength) {
        if (histories.isEmpty()) {
            throw new IllegalArgumentException("empty batch of histories");
        }
        int width = 0;
        int[][] kept = new int[histories.size()][];
        for (int b = 0; b < kept.length; b++) {
            int[] h = histories.get(b);
            if (h.length == 0) {
                throw new IllegalArgumentException("history " + b + " of the batch is empty");
            }
            kept[b] = truncate(h, maxLength);
            width = Math.max(width, kept[b].length);
        }
        long[] items = new long[kept.length * width];
        long[] lengths = new long[kept.length];
        for (int b = 0; b < kept.length; b++) {
            for (int t = 0; t < kept[b].length; t++) {
                int id = kept[b][t];
                if (id < 1) {
                    throw new IllegalArgumentException(
                            "history "
                                    + b
                                    + " holds item id "
                                    + id
                                    + " (ids start at 1, 0 is PAD)");
                }
                items[b * width + t] = id;
            }
            lengths[b] = kept[b].length;
        }
        return new PaddedBatch(kept.length, width, items, lengths);
    }

    /** 1 where the id is a real item, 0 at padding: (B, T) -> (B, T) boolean. */
    public static NDArray keepMask(NDArray ids) {
        return ids.neq(0);
    }

    /**
     * The hidden state at each row's last real position ({@code gather_indexes(item_len - 1)}): (B,
     * T, D), (B) -> (B, D). Differentiable with respect to {@code hidden}.
     */
    public static NDArray gatherLast(NDArray hidden, NDArray lengths) {
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        long d = hidden.getShape().get(2);
        NDManager m = hidden.getManager();
        // row b's last position in the flattened (B*T, D) view is b*T + len_b - 1
        NDArray flatIndex =
                m.arange(0f, (float) (b * t), (float) t, DataType.INT64)
                        .add(lengths.toType(DataType.INT64, false))
                        .sub(1L);
        return Embedding.embedding(flatIndex, hidden.reshape(b * t, d), SparseFormat.DENSE).head();
    }
}
