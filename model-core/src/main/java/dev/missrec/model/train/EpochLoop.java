package dev.missrec.model.train;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop shared by trained models: train an epoch, validate, keep the best weights in
 * memory, stop early on validation NDCG@10 with patience, then restore the best weights
 * (MISSREC-SPEC.md §3.2: the test uses the best-validation checkpoint).
 */
public final class EpochLoop {
    private static final Logger LOG = LoggerFactory.getLogger(EpochLoop.class);

    private EpochLoop() {}

    /** The model-specific part of training. */
    public interface Task {
        /**
         * Runs 1-based {@code epoch} (any per-epoch preparation such as interest discovery
         * included) and returns its mean loss; reports each batch to {@code listener}.
         */
        double trainEpoch(int epoch, BatchListener listener);

        /** Validation NDCG@10 of the current weights. */
        double validate();

        /** Remembers the current weights as the best so far. */
        void keepBest();

        /** Puts the remembered best weights back. */
        void restoreBest();
    }

    /**
     * Thrown by {@link Task#trainEpoch} when training has diverged. After at least one validated
     * epoch the loop stops and keeps the best weights so far (with a warning) instead of failing
     * the run: those weights were validated before anything went wrong.
     */
    public static final class DivergedException extends IllegalStateException {
        public DivergedException(String message) {
            super(message);
        }
    }

    /** Receives per-batch progress. */
    @FunctionalInterface
    public interface BatchListener {
        void batchDone(int done, int total, double meanLossSoFar);
    }

    /**
     * The outcome of a run.
     *
     * @param bestEpoch 1-based epoch whose weights were restored
     * @param bestValidNdcg10 its validation NDCG@10
     * @param epochs one entry per epoch run
     * @param trainSeconds wall time of the whole loop
     */
    public record Result(
            int bestEpoch, double bestValidNdcg10, List<EpochLog> epochs, double trainSeconds) {}

    /**
     * Runs at most {@code maxEpochs} epochs.
     *
     * @param progress a bar to draw on, or null for silence
     */
    public static Result run(Task task, int maxEpochs, int patience, ProgressBar progress) {
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("maxEpochs must be positive: " + maxEpochs);
        }
        EarlyStopping stopping = new EarlyStopping(patience);
        List<EpochLog> logs = new ArrayList<>();
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= maxEpochs; epoch++) {
            final int e = epoch;
            long t0 = System.nanoTime();
            double loss;
            try {
                loss =
                        task.trainEpoch(
                                epoch,
                                (done, total, mean) -> {
                                    if (progress != null) {
                                        progress.batch(e, done, total, mean);
                                    }
                                });
            } catch (DivergedException diverged) {
                if (stopping.bestEpoch() < 1) {
                    throw diverged;
                }
                LOG.warn(
                        "{}; stopping at epoch {} with the best weights so far (epoch {})",
                        diverged.getMessage(),
                        epoch,
                        stopping.bestEpoch());
                break;
            }
            long t1 = System.nanoTime();
            double valid = task.validate();
            long t2 = System.nanoTime();
            EpochLog log = new EpochLog(epoch, loss, (t1 - t0) / 1e9, valid, (t2 - t1) / 1e9);
            logs.add(log);
            boolean best = stopping.record(epoch, valid);
            if (best) {
                task.keepBest();
            }
            if (progress != null) {
                progress.epoch(log, best);
            }
            if (stopping.shouldStop()) {
                break;
            }
        }
        task.restoreBest();
        return new Result(
                stopping.bestEpoch(), stopping.best(), logs, (System.nanoTime() - start) / 1e9);
    }
}
