package dev.missrec.model.missrec;

import ai.djl.engine.Engine;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ScorerTrainer;
import dev.missrec.model.eval.TrainSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fine-tunes a pre-trained MISSRec artifact on a dataset (MISSREC-SPEC.md §3.2): the pre-trained
 * network is copied into a fresh model over the dataset's catalog (no item-ID rows carry over: the
 * catalogs differ, and the reference's pre-training has none), then trained with the fine-tuning
 * objective, efficiently ({@link FineTuning#freezeBackbone}) or in full.
 *
 * <p>The network's dimensions come from the artifact; the training hyper-parameters (interest
 * ratio, batch size, learning rate) from the preset named in the settings, since pre-training uses
 * other values (interest ratio 0.02 vs 0.5, §5).
 *
 * <p>Registered in {@code compare --pretrained DIR} as {@code missrec-inductive-pt} and {@code
 * missrec-transductive-pt} (efficient).
 */
public final class MissRecFineTuner implements ScorerTrainer {
    private final Path pretrained;
    private final TrainStage stage;
    private final boolean efficient;

    /**
     * @param pretrained a MISSRec artifact directory (e.g. written by {@code pretrain})
     * @param stage inductive or transductive fine-tuning
     * @param efficient freeze positions, encoder and decoder (the reference's fine-tuning from a
     *     checkpoint); false trains every parameter from the pre-trained start
     */
    public MissRecFineTuner(Path pretrained, TrainStage stage, boolean efficient) {
        this.pretrained = Objects.requireNonNull(pretrained, "pretrained");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.efficient = efficient;
    }

    /** The comparison name: "missrec-inductive-pt" or "missrec-transductive-pt". */
    public static String modelName(TrainStage stage) {
        return MissRecTrainer.modelName(stage) + "-pt";
    }

    /** The fine-tuning config: the pre-trained network's dimensions, the preset's training. */
    public MissRecConfig configFor(MissRecConfig pretrainedConfig, TrainSettings settings) {
        MissRecConfig preset = MissRecConfig.preset(settings.preset());
        return pretrainedConfig.toBuilder()
                .optTrainStage(stage)
                .optInterestRatio(preset.interestRatio())
                .optBatchSize(preset.batchSize())
                .optEvalBatchSize(preset.evalBatchSize())
                .optLearningRate(preset.learningRate())
                .optPatience(settings.patience())
                .build();
    }

    @Override
    public MissRecScorer fit(SequenceDataset data, TrainSettings settings) {
        MissRecTrainer.requireTrainingCases(data);
        ItemFeatureTable[] features = MissRecTrainer.featureTables(data);
        MissRecModel model;
        MissRecArtifact.Loaded source = MissRecArtifact.load(pretrained);
        try (MissRecModel from = source.model()) {
            MissRecConfig config = configFor(from.config(), settings);
            Engine.getInstance().setRandomSeed((int) settings.seed());
            model = MissRecModel.create(config, features[0], features[1]);
            try {
                List<String> fresh = FineTuning.copyWeights(from, model, false);
                if (!fresh.isEmpty()) {
                    System.err.println(
                            "fine-tuning "
                                    + data.name()
                                    + ": feature sizes differ from the pre-training data, these"
                                    + " start fresh: "
                                    + String.join(", ", fresh));
                }
                if (efficient) {
                    FineTuning.freezeBackbone(model.block());
                }
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        try {
            return MissRecTrainer.train(model, modelName(stage), data, settings);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
