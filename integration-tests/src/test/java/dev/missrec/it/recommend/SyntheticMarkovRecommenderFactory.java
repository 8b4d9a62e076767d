package dev.missrec.it.recommend;

import dev.missrec.jobs.function.RecommenderFactory;
import dev.missrec.model.baseline.MarkovChain;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.ScorerRecommender;

/**
 * A real (counted, not mocked) first-order Markov recommender trained on a seeded synthetic
 * dataset: every subtask that calls {@link #create()} gets an identical model, and so does a test
 * that calls it directly to check the job's output.
 */
final class SyntheticMarkovRecommenderFactory implements RecommenderFactory {
    private final long seed;

    SyntheticMarkovRecommenderFactory(long seed) {
        this.seed = seed;
    }

    SequenceDataset dataset() {
        return SyntheticDatasetGenerator.generate(seed);
    }

    @Override
    public BatchRecommender create() {
        SequenceDataset data = dataset();
        var scorer = new MarkovChain().fit(data, new TrainSettings("tiny", seed, 1, 1, false));
        return new ScorerRecommender(scorer, data.itemTokens(), "markov-" + seed, false);
    }
}
