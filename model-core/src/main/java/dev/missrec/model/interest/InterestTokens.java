package dev.missrec.model.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Per-sequence interest tokens (MISSREC-SPEC.md §2.2 steps 2-3): the sorted set of the text and
 * image interest ids of a history's items, padded with 0 to the batch's widest set (Q).
 *
 * <p>The reference pads every sequence of a split to one common width (RecBole's {@code
 * pad_sequence} over the split, at most L), so almost every set contains the padding id 0. Here a
 * set contains 0 exactly when the history is shorter than L, whatever the batch's own padding: the
 * 0 token is masked in attention either way, but it changes Q and the regulariser's per-sample
 * weight (§3.1 R). This matches the reference except for histories that are the longest of their
 * split yet shorter than L, a deliberate simplification that keeps the tokens independent of how
 * cases are batched.
 */
public final class InterestTokens {
    private InterestTokens() {}

    /**
     * A batch of interest-token ids.
     *
     * @param batch B
     * @param width Q
     * @param ids row-major (B, Q), each row ascending with 0 first if present, then 0-padding
     */
    public record Batch(int batch, int width, long[] ids) {
        /** The ids as an int64 (B, Q) array. */
        public NDArray array(NDManager manager) {
            return manager.create(ids, new Shape(batch, width));
        }

        /** Row {@code b} without its trailing padding. */
        public long[] row(int b) {
            return Arrays.copyOfRange(ids, b * width, (b + 1) * width);
        }
    }

    /**
     * De-duplicates the interest ids of each history.
     *
     * @param histories item ids, already truncated to at most {@code maxLength}
     * @param tables the current interest tables
     * @param maxLength L, the reference's padded length
     */
    public static Batch dedup(List<int[]> histories, InterestTables tables, int maxLength) {
        int n = tables.numItems();
        long[][] rows = new long[histories.size()][];
        int width = 1;
        for (int b = 0; b < rows.length; b++) {
            int[] h = histories.get(b);
            boolean padded = h.length < maxLength;
            long[] all = new long[2 * h.length + (padded ? 1 : 0)];
            int p = 0;
            for (int item : h) {
                if (item < 1 || item >= n) {
                    throw new IllegalArgumentException(
                            "item id " + item + " outside 1.." + (n - 1));
                }
                all[p++] = tables.textLookup()[item];
                all[p++] = tables.imageLookup()[item];
            }
            if (padded) {
                all[p] = 0;
            }
            rows[b] = Arrays.stream(all).sorted().distinct().toArray();
            width = Math.max(width, rows[b].length);
        }
        long[] ids = new long[rows.length * width];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, ids, b * width, rows[b].length);
        }
        return new Batch(rows.length, width, ids);
    }
}
