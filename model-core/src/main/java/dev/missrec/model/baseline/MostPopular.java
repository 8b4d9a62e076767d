package dev.missrec.model.baseline;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ScorerTrainer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import java.util.Arrays;
import java.util.List;

/**
 * MostPopular ({@code pop}): every history gets the same ranking, items by how often they occur in
 * the users' training sequences (each interaction counted once, see {@link TrainingCounts}).
 */
public final class MostPopular implements ScorerTrainer {

    @Override
    public TrainedScorer fit(SequenceDataset data, TrainSettings settings) {
        TrainingCounts counts = TrainingCounts.of(data);
        float[] scores = new float[counts.numItems];
        for (int i = 1; i < scores.length; i++) {
            scores[i] = counts.itemCounts[i];
        }
        return new Scorer(scores);
    }

    private record Scorer(float[] scores) implements CountingScorer {
        @Override
        public String name() {
            return "pop";
        }

        @Override
        public float[][] score(List<int[]> histories) {
            float[][] out = new float[histories.size()][];
            for (int b = 0; b < out.length; b++) {
                out[b] = Arrays.copyOf(scores, scores.length);
            }
            return out;
        }
    }
}
