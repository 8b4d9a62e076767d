package dev.missrec.model.eval;

import dev.missrec.model.data.SequenceDataset;

/**
 * Builds a {@link TrainedScorer} from a dataset's training cases, selecting on its validation cases
 * where the model has epochs. One implementation per entry of {@code compare --models}.
 */
@FunctionalInterface
public interface ScorerTrainer {
    TrainedScorer fit(SequenceDataset data, TrainSettings settings);
}
