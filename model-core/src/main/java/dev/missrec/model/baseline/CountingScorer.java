package dev.missrec.model.baseline;

import dev.missrec.model.eval.TrainedScorer;

/** A scorer built by counting, not training: no parameters and no epochs to report. */
interface CountingScorer extends TrainedScorer {
    @Override
    default long trainableParameters() {
        return 0;
    }

    @Override
    default long totalParameters() {
        return 0;
    }

    @Override
    default int bestEpoch() {
        return 0;
    }
}
