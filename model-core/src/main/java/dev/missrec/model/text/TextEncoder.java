package dev.missrec.model.text;

import java.util.List;

/**
 * Turns texts into fixed-size sentence embeddings, one row per text, in the order given.
 *
 * <p>Implementations are deterministic: the same text under the same {@link #modelId()} always
 * gives the same vector, which is what lets {@link CachingTextEncoder} key its entries by model id
 * and text alone.
 */
public interface TextEncoder extends AutoCloseable {

    /**
     * Embeds {@code texts}.
     *
     * @return one vector of length {@link #dimension()} per text, in input order
     * @throws NullPointerException if the list or one of its texts is null
     */
    float[][] encode(List<String> texts);

    /** The length of every vector this encoder returns. */
    int dimension();

    /**
     * A stable name of the model and everything that changes its output (weights, quantisation,
     * pooling), used as part of cache keys: two encoders with equal ids must give equal vectors.
     */
    String modelId();

    /** Releases what the encoder holds (threads, native sessions); a no-op by default. */
    @Override
    default void close() {}
}
