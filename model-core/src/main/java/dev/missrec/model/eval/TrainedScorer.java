package dev.missrec.model.eval;

/**
 * A scorer produced by training (or by counting, for baselines), with what the comparison report
 * needs to know about it. Closing it frees any native memory it holds.
 */
public interface TrainedScorer extends SequenceScorer, AutoCloseable {

    /** Parameters updated by training; 0 for counting baselines. */
    long trainableParameters();

    /** All parameters, trainable or frozen (buffers such as raw feature tables excluded). */
    long totalParameters();

    /** 1-based epoch whose weights were kept (best validation NDCG@10); 0 when not trained. */
    int bestEpoch();

    /**
     * The settings this scorer ended up with where it chose them itself (e.g. a baseline's
     * smoothing picked on the validation split), for reports; empty when there is nothing to say.
     */
    default String chosenSettings() {
        return "";
    }

    @Override
    default void close() {}
}
