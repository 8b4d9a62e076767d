package dev.missrec.model.data;

import java.util.Arrays;

/**
 * One modality's raw item features as a dense row-major {@code [N, P]} float table.
 *
 * <p>Row {@code i} belongs to the item with internal id {@code i}; row 0 is the padding item and is
 * all zeros, as in the reference (MISSREC-SPEC.md §1.3). An all-zero row means the item has no
 * feature in this modality (§1.1, "missing modality").
 */
public final class ItemFeatureTable {
    private final int rows;
    private final int dim;
    private final float[] data;

    /**
     * Wraps {@code data} (not copied).
     *
     * @param rows number of rows N, including the padding row 0
     * @param dim feature size P
     * @param data row-major values, {@code rows * dim} long
     */
    public ItemFeatureTable(int rows, int dim, float[] data) {
        if (rows < 1 || dim < 1) {
            throw new IllegalArgumentException(
                    "rows and dim must be positive: " + rows + "x" + dim);
        }
        if (data.length != (long) rows * dim) {
            throw new IllegalArgumentException(
                    "expected "
                            + ((long) rows * dim)
                            + " values for "
                            + rows
                            + "x"
                            + dim
                            + ", got "
                            + data.length);
        }
        this.rows = rows;
        this.dim = dim;
        this.data = data;
    }

    /** An all-zero table. */
    public static ItemFeatureTable zeros(int rows, int dim) {
        return new ItemFeatureTable(rows, dim, new float[rows * dim]);
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    /** The backing row-major array (shared, not copied). */
    public float[] data() {
        return data;
    }

    /** A copy of row {@code row}. */
    public float[] row(int row) {
        return Arrays.copyOfRange(data, row * dim, (row + 1) * dim);
    }

    /** Overwrites row {@code row} with {@code values}. */
    public void setRow(int row, float[] values) {
        if (values.length != dim) {
            throw new IllegalArgumentException(
                    "row has " + values.length + " values, expected " + dim);
        }
        System.arraycopy(values, 0, data, row * dim, dim);
    }

    /** True when the row is all zeros: the item has no feature in this modality. */
    public boolean isEmpty(int row) {
        int base = row * dim;
        for (int j = 0; j < dim; j++) {
            if (data[base + j] != 0f) {
                return false;
            }
        }
        return true;
    }
}
