package dev.missrec.model.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The result of one interest discovery (MISSREC-SPEC.md §2.3): each item's text and image interest
 * ids (1..K, 0 for the padding item) and the interest embeddings, a (K + 1, D) table whose row 0 is
 * the all-zero padding token.
 *
 * @param textLookup interest id of each item's text, indexed by item id (length N)
 * @param imageLookup interest id of each item's image, indexed by item id (length N)
 * @param embeddings row-major (K + 1, D) centroids, row 0 zeros
 * @param k K
 * @param dim D
 */
public record InterestTables(
        int[] textLookup, int[] imageLookup, float[] embeddings, int k, int dim) {

    public InterestTables {
        if (textLookup.length != imageLookup.length) {
            throw new IllegalArgumentException(
                    "text lookup has "
                            + textLookup.length
                            + " items, image lookup "
                            + imageLookup.length);
        }
        if (embeddings.length != (long) (k + 1) * dim) {
            throw new IllegalArgumentException(
                    "expected ("
                            + (k + 1)
                            + ", "
                            + dim
                            + ") interest embeddings, got "
                            + embeddings.length
                            + " values");
        }
        if (textLookup.length > 0 && (textLookup[0] != 0 || imageLookup[0] != 0)) {
            throw new IllegalArgumentException("the padding item 0 must map to interest 0");
        }
    }

    /** N, the number of items including padding. */
    public int numItems() {
        return textLookup.length;
    }

    /** The (K + 1, D) interest embeddings as a float32 array. */
    public NDArray embeddingArray(NDManager manager) {
        return manager.create(embeddings, new Shape(k + 1, dim));
    }
}
