package dev.missrec.model.missrec;

import ai.djl.engine.Engine;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.LengthBucketBatcher;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.ScorerTrainer;
import dev.missrec.model.eval.SequenceScorer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.train.EpochLoop;
import dev.missrec.model.train.ProgressBar;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains MISSRec from scratch with the fine-tuning objective (MISSREC-SPEC.md §3.2): interest
 * discovery before every epoch, Adam on length-bucketed, dynamically padded batches, validation
 * NDCG@10 after every epoch, early stopping with the best weights kept in memory and restored.
 *
 * <p>Registered in the comparison harness as {@code missrec-inductive} and {@code
 * missrec-transductive}. The preset comes from {@link TrainSettings#preset()}, the stage from the
 * constructor; {@code patience} and {@code maxEpochs} from the settings.
 */
public final class MissRecTrainer implements ScorerTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(MissRecTrainer.class);
    private final TrainStage stage;
    private final UnaryOperator<MissRecConfig> adjust;

    /** A trainer for the preset named in the settings, in {@code stage}. */
    public MissRecTrainer(TrainStage stage) {
        this(stage, UnaryOperator.identity());
    }

    /**
     * A trainer whose config is the preset, in {@code stage}, then passed through {@code adjust}
     * (for experiments with tuned options).
     */
    public MissRecTrainer(TrainStage stage, UnaryOperator<MissRecConfig> adjust) {
        this.stage = stage;
        this.adjust = adjust;
    }

    /** The comparison name of a stage: "missrec-inductive" or "missrec-transductive". */
    public static String modelName(TrainStage stage) {
        return "missrec-" + stage.name().toLowerCase(Locale.ROOT);
    }

    /** The config this trainer uses for {@code settings}. */
    public MissRecConfig configFor(TrainSettings settings) {
        MissRecConfig base = MissRecConfig.preset(settings.preset()).withTrainStage(stage);
        return adjust.apply(base.toBuilder().optPatience(settings.patience()).build());
    }

    @Override
    public MissRecScorer fit(SequenceDataset data, TrainSettings settings) {
        MissRecConfig config = configFor(settings);
        requireTrainingCases(data);
        ItemFeatureTable[] features = featureTables(data);
        Engine.getInstance().setRandomSeed((int) settings.seed());
        MissRecModel model = MissRecModel.create(config, features[0], features[1]);
        try {
            return train(model, modelName(stage), data, settings);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    static void requireTrainingCases(SequenceDataset data) {
        if (data.train().isEmpty() || data.valid().isEmpty()) {
            throw new IllegalArgumentException(
                    "dataset " + data.name() + " has no training or no validation cases");
        }
    }

    /**
     * Trains {@code model} (freshly initialised, or prepared for fine-tuning) on {@code data} with
     * the epoch loop and returns it as a scorer holding its best weights. Items the dataset holds
     * out of training are unknown to the model while it trains.
     */
    static MissRecScorer train(
            MissRecModel model, String name, SequenceDataset data, TrainSettings settings) {
        MissRecConfig config = model.config();
        Random kmeansRandom = new Random(settings.seed() * 31 + 7);
        LengthBucketBatcher batcher =
                new LengthBucketBatcher(data.train(), config.batchSize(), settings.seed());
        if (data.heldOutItems().length > 0) {
            model.setKnownItems(data.knownItems());
        }
        if (config.logitAdjustment() > 0) {
            model.setLogitAdjustment(trainingLogPrior(data, config.logitAdjustment()));
        }
        Task task = new Task(model, batcher, data.valid(), kmeansRandom);
        ProgressBar bar = settings.progress() ? new ProgressBar(System.err, name) : null;
        EpochLoop.Result result;
        try {
            result = EpochLoop.run(task, settings.maxEpochs(), config.patience(), bar);
        } finally {
            task.closeBest();
        }
        return new MissRecScorer(name, model, result, data.itemTokens());
    }

    /**
     * {@code strength * log pi_i} for every known item, pi the frequency of item i among the
     * training targets with add-one smoothing, for {@link MissRecModel#setLogitAdjustment};
     * held-out items get 0 (they are left out of the softmax anyway).
     */
    public static float[] trainingLogPrior(SequenceDataset data, float strength) {
        boolean[] known = data.knownItems();
        double[] counts = new double[data.numItems()];
        double total = 0;
        for (int i = 1; i < counts.length; i++) {
            if (known[i]) {
                counts[i] = 1;
                total += 1;
            }
        }
        for (SequenceExample e : data.train()) {
            counts[e.target()] += 1;
            total += 1;
        }
        float[] out = new float[counts.length];
        for (int i = 1; i < out.length; i++) {
            if (known[i]) {
                out[i] = (float) (strength * Math.log(counts[i] / total));
            }
        }
        return out;
    }

    /**
     * The dataset's text and image tables; a missing modality becomes an all-zero table of the
     * other's size, the reference's representation of items without that modality (§1.1).
     */
    static ItemFeatureTable[] featureTables(SequenceDataset data) {
        ItemFeatureTable text = data.textFeatures();
        ItemFeatureTable image = data.imageFeatures();
        if (text == null && image == null) {
            throw new IllegalArgumentException(
                    "dataset "
                            + data.name()
                            + " has neither text nor image features: MISSRec"
                            + " needs at least one modality");
        }
        if (text == null) {
            text = ItemFeatureTable.zeros(image.rows(), image.dim());
        }
        if (image == null) {
            image = ItemFeatureTable.zeros(text.rows(), text.dim());
        }
        return new ItemFeatureTable[] {text, image};
    }

    /** One training run's epoch logic. */
    static final class Task implements EpochLoop.Task {
        private final MissRecModel model;
        private final LengthBucketBatcher batcher;
        private final List<SequenceExample> valid;
        private final Random kmeansRandom;
        private MissRecModel.Snapshot best;

        Task(
                MissRecModel model,
                LengthBucketBatcher batcher,
                List<SequenceExample> valid,
                Random kmeansRandom) {
            this.model = model;
            this.batcher = batcher;
            this.valid = valid;
            this.kmeansRandom = kmeansRandom;
        }

        @Override
        public double trainEpoch(int epoch, EpochLoop.BatchListener listener) {
            // §2.3: interests are re-discovered before every epoch from the current adapters
            model.discoverInterests(kmeansRandom);
            List<List<SequenceExample>> batches = batcher.epoch(epoch - 1);
            double sum = 0;
            int applied = 0;
            int skipped = 0;
            for (int i = 0; i < batches.size(); i++) {
                float loss = model.trainStep(batches.get(i));
                if (!Float.isFinite(loss)) {
                    // not applied (see trainStep); as in SasRecTrainer, only many such batches
                    // make the run diverged
                    skipped++;
                    LOG.warn(
                            "missrec epoch {} batch {}: loss or gradients not finite ({}), update skipped",
                            epoch,
                            i,
                            loss);
                    if (skipped * 10 > batches.size()) {
                        throw new EpochLoop.DivergedException(
                                "training diverged: "
                                        + skipped
                                        + " batches with a non-finite loss or gradients in epoch "
                                        + epoch);
                    }
                    continue;
                }
                sum += loss;
                applied++;
                listener.batchDone(i + 1, batches.size(), sum / applied);
            }
            return sum / Math.max(1, applied);
        }

        @Override
        public double validate() {
            try (MissRecModel.Scoring scoring = model.scoring()) {
                SequenceScorer scorer =
                        new SequenceScorer() {
                            @Override
                            public String name() {
                                return "missrec-valid";
                            }

                            @Override
                            public float[][] score(List<int[]> histories) {
                                return scoring.score(histories);
                            }
                        };
                return RankingEvaluator.evaluate(scorer, valid, model.config().evalBatchSize())
                        .ndcg10();
            }
        }

        @Override
        public void keepBest() {
            closeBest();
            best = model.snapshot();
        }

        @Override
        public void restoreBest() {
            if (best != null) {
                model.restore(best);
            }
        }

        void closeBest() {
            if (best != null) {
                best.close();
                best = null;
            }
        }
    }
}
