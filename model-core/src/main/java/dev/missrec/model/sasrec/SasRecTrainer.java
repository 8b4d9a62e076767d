package dev.missrec.model.sasrec;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.missrec.model.data.LengthBucketBatcher;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.ScorerTrainer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains SASRec on a dataset's training cases with full-softmax cross-entropy over all N items on
 * the next item (not the paper's BCE with one sampled negative), Adam, and early stopping on
 * validation NDCG@10 with the settings' patience; the best epoch's weights are kept.
 *
 * <p>Each training case (a history prefix and its next item, MISSREC-SPEC.md §1.4) contributes the
 * loss at its last real position, as RecBole trains SASRec on these files. Batches come from {@link
 * LengthBucketBatcher} (dynamic padding). Seeded: the same seed gives the same batches,
 * initialisation and dropout masks.
 *
 * <p>A batch whose loss or gradients are not finite is not applied (its gradients are cleared and
 * the skip is logged): on this CPU build such batches were seen rarely and not reproducibly (3 of
 * about 20 Scientific runs, at different epochs, never with the same seed twice), and one of them
 * would otherwise turn Adam's state and every weight into NaN. More than 10% skipped updates in an
 * epoch still fails the run as diverged.
 */
public final class SasRecTrainer implements ScorerTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SasRecTrainer.class);
    private static final int EVAL_BATCH = 256;

    private final SasRecConfig override;

    /** Uses the preset named by {@link TrainSettings#preset()}. */
    public SasRecTrainer() {
        this(null);
    }

    /** Uses {@code config} whatever the settings' preset says (for tuning runs). */
    public SasRecTrainer(SasRecConfig config) {
        this.override = config;
    }

    @Override
    public TrainedScorer fit(SequenceDataset data, TrainSettings settings) {
        return train(data, settings);
    }

    /** Like {@link #fit} with the concrete type, which can be saved and exposes the epoch log. */
    public SasRecModel train(SequenceDataset data, TrainSettings settings) {
        SasRecConfig config =
                override != null
                        ? override
                        : SasRecConfig.of(SasRecConfig.parsePreset(settings.preset()));
        if (data.train().isEmpty() || data.valid().isEmpty()) {
            throw new IllegalArgumentException(
                    "dataset " + data.name() + " needs training and validation cases");
        }
        Engine.getEngine("PyTorch")
                .setRandomSeed(Math.floorMod(settings.seed(), Integer.MAX_VALUE));
        int n = data.numItems();
        Model model = Model.newInstance(SasRecModel.KIND, "PyTorch");
        try {
            SasRecBlock block = new SasRecBlock(config, n);
            model.setBlock(block);
            DefaultTrainingConfig tc =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(
                                                    Tracker.fixed(config.learningRate()))
                                            .build());
            List<SasRecModel.EpochLog> log = new ArrayList<>();
            int bestEpoch = 0;
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(block.initShapes());
                // a view of the model under training for the evaluator: dropout off
                SasRecModel view = new SasRecModel(model, block, data.itemTokens(), 0, List.of());
                LengthBucketBatcher batcher =
                        new LengthBucketBatcher(data.train(), config.batchSize(), settings.seed());
                double best = Double.NEGATIVE_INFINITY;
                float[][] bestWeights = null;
                int sinceBest = 0;
                for (int epoch = 1; epoch <= settings.maxEpochs(); epoch++) {
                    long t0 = System.nanoTime();
                    EpochResult er =
                            trainEpoch(
                                    trainer,
                                    block,
                                    batcher.epoch(epoch - 1),
                                    config,
                                    n,
                                    unknownLogitMask(data));
                    double loss = er.loss();
                    long t1 = System.nanoTime();
                    if (er.skipped() > 0) {
                        LOG.warn(
                                "sasrec epoch {}: skipped {} of {} updates with non-finite loss or"
                                        + " gradients",
                                epoch,
                                er.skipped(),
                                er.batches());
                    }
                    if (er.skipped() * 10 > er.batches()) {
                        throw new IllegalStateException(
                                "SASRec training diverged at epoch "
                                        + epoch
                                        + ": "
                                        + er.skipped()
                                        + " of "
                                        + er.batches()
                                        + " updates had non-finite loss or gradients");
                    }
                    RankingMetrics valid =
                            RankingEvaluator.evaluate(view, data.valid(), EVAL_BATCH);
                    long t2 = System.nanoTime();
                    SasRecModel.EpochLog entry =
                            new SasRecModel.EpochLog(
                                    epoch, loss, valid, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                    log.add(entry);
                    report(settings, entry);
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException(
                                "SASRec training diverged at epoch "
                                        + epoch
                                        + " (loss "
                                        + loss
                                        + ")");
                    }
                    if (valid.ndcg10() > best) {
                        best = valid.ndcg10();
                        bestEpoch = epoch;
                        bestWeights = snapshot(block);
                        sinceBest = 0;
                    } else if (++sinceBest >= settings.patience()) {
                        break;
                    }
                }
                restore(block, bestWeights);
            }
            return new SasRecModel(model, block, data.itemTokens(), bestEpoch, log);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Mean training loss of an epoch and the number of updates skipped for non-finite values. */
    private record EpochResult(double loss, int skipped, int batches) {}

    /**
     * Additive logit mask that leaves items held out of training (cold-start protocol) out of the
     * softmax, as if they did not exist yet; null when every item is known. Their ID rows then keep
     * their initial values, which is all SASRec can score such an item with.
     */
    private static float[] unknownLogitMask(SequenceDataset data) {
        if (data.heldOutItems().length == 0) {
            return null;
        }
        float[] mask = new float[data.numItems()];
        for (int item : data.heldOutItems()) {
            mask[item] = -1e9f;
        }
        return mask;
    }

    private static EpochResult trainEpoch(
            Trainer trainer,
            SasRecBlock block,
            List<List<SequenceExample>> batches,
            SasRecConfig config,
            int n,
            float[] unknownMask) {
        double sum = 0;
        long count = 0;
        int skipped = 0;
        for (List<SequenceExample> batch : batches) {
            List<int[]> histories = new ArrayList<>(batch.size());
            long[] targets = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                histories.add(batch.get(i).history());
                targets[i] = batch.get(i).target();
            }
            try (NDManager bm = trainer.getManager().newSubManager()) {
                NDList in = SasRecBatch.inputs(bm, histories, config.maxLength(), n);
                NDArray labels = bm.create(targets, new Shape(targets.length));
                float value;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(in).singletonOrThrow();
                    if (unknownMask != null) {
                        logits = logits.add(bm.create(unknownMask, new Shape(1, n)));
                    }
                    NDArray loss =
                            trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                    gc.backward(loss);
                    value = loss.getFloat();
                }
                if (Float.isFinite(value) && gradientsFinite(block, bm)) {
                    sum += value * batch.size();
                    count += batch.size();
                    trainer.step();
                } else {
                    // a guard, not an expected path: the rare non-finite gradients once seen here
                    // came from constants freed by the garbage collector (see Scalars); one bad
                    // batch must not poison Adam's state and every weight, so its update is dropped
                    zeroGradients(block, bm);
                    skipped++;
                }
            }
        }
        return new EpochResult(count == 0 ? Double.NaN : sum / count, skipped, batches.size());
    }

    static boolean gradientsFinite(SasRecBlock block, NDManager bm) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                continue;
            }
            NDArray g = p.getValue().getArray().getGradient();
            // getGradient() makes a new handle in the parameter's manager: move it to the batch's
            g.attach(bm);
            // a sum is finite iff every element is (overflow of finite gradients is not realistic)
            if (!Float.isFinite(g.sum().getFloat())) {
                return false;
            }
        }
        return true;
    }

    static void zeroGradients(SasRecBlock block, NDManager bm) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                NDArray g = p.getValue().getArray().getGradient();
                g.attach(bm);
                // an in-place indexed put, not g.mul(0) (NaN * 0 is NaN) and not g.set(float[]):
                // on PyTorch set(Buffer) makes the tensor alias a direct buffer that only this
                // temporary handle keeps alive, so the gradient would point at freed memory
                g.set(new NDIndex(":"), 0f);
            }
        }
    }

    private static float[][] snapshot(SasRecBlock block) {
        List<Pair<String, Parameter>> params = block.getParameters().stream().toList();
        float[][] w = new float[params.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = params.get(i).getValue().getArray().toFloatArray();
        }
        return w;
    }

    private static void restore(SasRecBlock block, float[][] weights) {
        if (weights == null) {
            return;
        }
        List<Pair<String, Parameter>> params = block.getParameters().stream().toList();
        for (int i = 0; i < weights.length; i++) {
            NDArray target = params.get(i).getValue().getArray();
            // copied in place with an indexed put: no array is replaced, and unlike
            // set(float[]) the parameter does not end up aliasing a Java-owned buffer
            try (NDManager sub = target.getManager().newSubManager()) {
                target.set(new NDIndex(":"), sub.create(weights[i], target.getShape()));
            }
        }
    }

    private static void report(TrainSettings settings, SasRecModel.EpochLog e) {
        String line =
                String.format(
                        "sasrec epoch %3d  loss %.4f  valid %s  train %.1fs eval %.1fs",
                        e.epoch(), e.trainLoss(), e.valid(), e.trainSeconds(), e.evalSeconds());
        LOG.info(line);
        if (settings.progress()) {
            System.err.println(line);
        }
    }
}
