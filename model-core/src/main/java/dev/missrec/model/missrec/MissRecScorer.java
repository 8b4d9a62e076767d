package dev.missrec.model.missrec;

import dev.missrec.model.eval.TrainedScorer;
import dev.missrec.model.train.EpochLoop;
import java.util.List;

/**
 * A trained MISSRec model as a {@link TrainedScorer}: full-ranking scores from precomputed
 * candidate tables (MISSREC-SPEC.md §2.4). Owns the model; closing it frees all native memory.
 */
public final class MissRecScorer implements TrainedScorer {
    private final String name;
    private final MissRecModel model;
    private final MissRecModel.Scoring scoring;
    private final EpochLoop.Result training;
    private final String[] itemTokens;

    /**
     * @param name report name, e.g. "missrec-transductive"
     * @param model the trained model (ownership passes to the scorer)
     * @param training the training run's log, or null for a model that was loaded
     * @param itemTokens internal id to item token (index 0 = PAD), saved with the model
     */
    public MissRecScorer(
            String name, MissRecModel model, EpochLoop.Result training, String[] itemTokens) {
        if (itemTokens.length != model.numItems()) {
            throw new IllegalArgumentException(
                    itemTokens.length
                            + " item tokens for a model of "
                            + model.numItems()
                            + " items");
        }
        this.name = name;
        this.model = model;
        this.training = training;
        this.itemTokens = itemTokens.clone();
        this.scoring = model.scoring();
    }

    /** Internal id to item token, index 0 = PAD (a copy). */
    public String[] itemTokens() {
        return itemTokens.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[][] score(List<int[]> histories) {
        return scoring.score(histories);
    }

    @Override
    public long trainableParameters() {
        return model.block().trainableParameterCount();
    }

    @Override
    public long totalParameters() {
        return model.block().totalParameterCount();
    }

    @Override
    public int bestEpoch() {
        return training == null ? 0 : training.bestEpoch();
    }

    /** The model behind the scores (for saving it as an artifact). */
    public MissRecModel model() {
        return model;
    }

    /** The training run, or null when the model was loaded rather than trained. */
    public EpochLoop.Result training() {
        return training;
    }

    @Override
    public void close() {
        scoring.close();
        model.close();
    }
}
