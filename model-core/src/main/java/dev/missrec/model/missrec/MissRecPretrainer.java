package dev.missrec.model.missrec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.missrec.model.data.LengthBucketBatcher;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.interest.InterestTokens;
import dev.missrec.model.nn.Scalars;
import dev.missrec.model.nn.Sequences;
import dev.missrec.model.train.ProgressBar;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Pre-trains MISSRec (MISSREC-SPEC.md §3.1; missrec.py:133-191, data/transform.py:141-245): for a
 * batch of B training sequences and their next items,
 *
 * <pre>
 *   L = CE(f(s, TA(target text), VA(target image)) / tau, diag)     sequence-item, in-batch
 *     + lambda * CE(s . s'^T / tau, diag)                             sequence-sequence
 *     + gamma * (R + R')                                              interest regulariser
 * </pre>
 *
 * where {@code s}, {@code s'} are the normalised embeddings of a sequence and of its augmented
 * view, {@code f} is the dynamic-fusion score of §2.4 over the batch's own targets (so the other
 * B-1 targets are the negatives; same-target false negatives are not removed, as in the reference),
 * λ = 1e-3, γ = 1e-4, τ = 0.07. Interests are discovered before every epoch with the pre-training
 * ratio 0.02. No item-ID table: pre-training is ID-free.
 *
 * <p>Augmentation, one coin per batch (data/transform.py:191-221): with probability 0.9 item drop
 * (each position but the first is dropped with probability 0.2), otherwise word drop (the text
 * features of positions not kept are replaced by those of the word-dropped item text, the
 * reference's feat2CLS). Deliberate deviations:
 *
 * <ul>
 *   <li>Item drop keeps text and image aligned: the augmented sequence is the kept items, each with
 *       its own text and image features and interests. The reference drops only the text channel
 *       and keeps the image channel (and its interests) of the original sequence (§7.1 P4); with
 *       the 'add' fusion that sums, at one position, the text of one item with the image of
 *       another, which we read as an accident rather than a design.
 *   <li>Item drop returns exactly the kept items in order; the reference's scatter writes a dropped
 *       item into its predecessor's slot (the last write wins), which yields a similar but not
 *       identical sub-sequence.
 *   <li>Without word-dropped text features (none of our datasets ships feat2CLS, and CLIP text
 *       features cannot be recomputed offline) every batch uses item drop.
 *   <li>Batches are length-bucketed and shuffled ({@link LengthBucketBatcher}), which keeps the
 *       padding cost of CPU training down; the reference samples batches at random.
 * </ul>
 */
public final class MissRecPretrainer {
    /** Weight of the sequence-sequence loss ({@code lambda} 1e-3, props/MISSRec.yaml). */
    public static final float LAMBDA = 1e-3f;

    /** Pre-training interest ratio ({@code interest_ratio} 0.02, props/pretrain.yaml). */
    public static final double INTEREST_RATIO = 0.02;

    /**
     * Pre-training options.
     *
     * @param epochs epochs to run (reference: 100)
     * @param batchSize sequences per batch (reference: 4096 split over its GPUs, §7.1 P3)
     * @param lambda weight of the sequence-sequence loss
     * @param itemDropRatio probability that a position is dropped ({@code item_drop_ratio} 0.2)
     * @param itemDropProbability probability that a batch uses item drop rather than word drop
     *     ({@code item_drop_coefficient} 0.9)
     * @param seed seed of initialisation, batching, augmentation and k-means
     */
    public record Options(
            int epochs,
            int batchSize,
            float lambda,
            double itemDropRatio,
            double itemDropProbability,
            long seed) {
        public Options {
            if (epochs < 1 || batchSize < 2) {
                throw new IllegalArgumentException(
                        "need at least one epoch and batches of two or more sequences");
            }
            if (!(itemDropRatio >= 0 && itemDropRatio < 1)
                    || !(itemDropProbability >= 0 && itemDropProbability <= 1)) {
                throw new IllegalArgumentException("drop ratios must be probabilities");
            }
        }

        /**
         * The reference's values with {@code epochs} and {@code batchSize} chosen by the caller.
         */
        public static Options reference(int epochs, int batchSize, long seed) {
            return new Options(epochs, batchSize, LAMBDA, 0.2, 0.9, seed);
        }
    }

    /**
     * The outcome: the pre-trained model (close it after use) and the mean loss of each epoch.
     *
     * @param epochSeconds wall time of each epoch, interest discovery included
     */
    public record Result(MissRecModel model, List<Double> epochLosses, List<Double> epochSeconds) {}

    private MissRecPretrainer() {}

    /** The pre-training config of a network: inductive (no IDs), interest ratio 0.02. */
    public static MissRecConfig pretrainConfig(MissRecConfig network) {
        return network.toBuilder()
                .optTrainStage(TrainStage.INDUCTIVE)
                .optInterestRatio(INTEREST_RATIO)
                .build();
    }

    /**
     * Pre-trains a fresh model of {@code config}'s network on {@code corpus}.
     *
     * @param log where one line per epoch goes, or null
     * @param progress whether to also draw a per-batch progress bar on {@code log}
     */
    public static Result pretrain(
            PretrainingCorpus corpus,
            MissRecConfig config,
            Options options,
            PrintStream log,
            boolean progress) {
        MissRecConfig cfg = pretrainConfig(config);
        Engine.getInstance().setRandomSeed((int) options.seed());
        MissRecModel model = MissRecModel.create(cfg, corpus.text(), corpus.image());
        try {
            Random kmeans = new Random(options.seed() * 31 + 7);
            Random augment = new Random(options.seed() * 17 + 3);
            LengthBucketBatcher batcher =
                    new LengthBucketBatcher(corpus.train(), options.batchSize(), options.seed());
            List<Double> losses = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            ProgressBar bar = log == null || !progress ? null : new ProgressBar(log, "pretrain");
            try (WordDropTable wordDropped = WordDropTable.of(model, corpus)) {
                for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                    long t0 = System.nanoTime();
                    model.discoverInterests(kmeans);
                    List<List<SequenceExample>> batches = batcher.epoch(epoch - 1);
                    double sum = 0;
                    for (int i = 0; i < batches.size(); i++) {
                        List<SequenceExample> batch = batches.get(i);
                        if (batch.size() < 2) {
                            continue; // one sequence has no in-batch negative
                        }
                        boolean itemDrop =
                                wordDropped == null
                                        || augment.nextDouble() < options.itemDropProbability();
                        Augmented view =
                                itemDrop
                                        ? itemDropView(batch, options.itemDropRatio(), augment)
                                        : wordDropView(batch, options.itemDropRatio(), augment);
                        float loss =
                                model.trainStep(
                                        (block, ps, sub) ->
                                                loss(
                                                        model,
                                                        block,
                                                        ps,
                                                        sub,
                                                        batch,
                                                        view,
                                                        wordDropped,
                                                        options.lambda()));
                        if (!Float.isFinite(loss)) {
                            throw new IllegalStateException(
                                    "pre-training diverged: loss "
                                            + loss
                                            + " at epoch "
                                            + epoch
                                            + " batch "
                                            + i);
                        }
                        sum += loss;
                        if (bar != null) {
                            bar.batch(epoch, i + 1, batches.size(), sum / (i + 1));
                        }
                    }
                    double mean = sum / Math.max(1, batches.size());
                    double secs = (System.nanoTime() - t0) / 1e9;
                    losses.add(mean);
                    seconds.add(secs);
                    if (log != null) {
                        log.println(
                                String.format(
                                        Locale.ROOT,
                                        "%spretrain epoch %d: loss %.4f, %.1f s (%d batches)",
                                        bar == null ? "" : System.lineSeparator(),
                                        epoch,
                                        mean,
                                        secs,
                                        batches.size()));
                    }
                }
            }
            return new Result(model, losses, seconds);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The augmented view of a batch: histories in item ids, plus for word drop the positions whose
     * text comes from the word-dropped table (null for item drop).
     */
    record Augmented(List<int[]> histories, List<boolean[]> wordDropped) {}

    /** Item drop: every position but the first is kept with probability {@code 1 - ratio}. */
    static int[] itemDrop(int[] history, double ratio, Random random) {
        int[] kept = new int[history.length];
        int n = 0;
        for (int j = 0; j < history.length; j++) {
            if (j == 0 || random.nextDouble() >= ratio) {
                kept[n++] = history[j];
            }
        }
        return java.util.Arrays.copyOf(kept, n);
    }

    /**
     * Word drop: positions whose text features are replaced, each with probability {@code ratio}.
     */
    static boolean[] wordDropPositions(int length, double ratio, Random random) {
        boolean[] replace = new boolean[length];
        for (int j = 0; j < length; j++) {
            replace[j] = random.nextDouble() < ratio;
        }
        return replace;
    }

    private static Augmented itemDropView(
            List<SequenceExample> batch, double ratio, Random random) {
        List<int[]> out = new ArrayList<>(batch.size());
        for (SequenceExample e : batch) {
            out.add(itemDrop(e.history(), ratio, random));
        }
        return new Augmented(out, null);
    }

    private static Augmented wordDropView(
            List<SequenceExample> batch, double ratio, Random random) {
        List<int[]> histories = new ArrayList<>(batch.size());
        List<boolean[]> replaced = new ArrayList<>(batch.size());
        for (SequenceExample e : batch) {
            histories.add(e.history());
            replaced.add(wordDropPositions(e.history().length, ratio, random));
        }
        return new Augmented(histories, replaced);
    }

    /** The pre-training loss of one batch; see the class comment. */
    private static NDArray loss(
            MissRecModel model,
            MissRecBlock block,
            ParameterStore ps,
            NDManager sub,
            List<SequenceExample> batch,
            Augmented view,
            WordDropTable wordDropped,
            float lambda) {
        MissRecConfig config = model.config();
        int l = config.maxSeqLength();
        List<int[]> histories = new ArrayList<>(batch.size());
        long[] targets = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            histories.add(Sequences.truncate(batch.get(i).history(), l));
            targets[i] = batch.get(i).target();
        }
        NDList adapted = block.adaptItems(ps, true);
        NDList original = encode(model, block, ps, sub, histories, histories, adapted);

        NDList augmented;
        if (view.wordDropped() == null) {
            List<int[]> aug = new ArrayList<>(view.histories().size());
            for (int[] h : view.histories()) {
                aug.add(Sequences.truncate(h, l));
            }
            augmented = encode(model, block, ps, sub, aug, aug, adapted);
        } else {
            // word-dropped positions gather their text from rows N.. of a doubled table
            int n = model.numItems();
            List<int[]> gather = new ArrayList<>(histories.size());
            for (int i = 0; i < histories.size(); i++) {
                int[] h = view.histories().get(i);
                boolean[] replace = view.wordDropped().get(i);
                int from = Math.max(0, h.length - l);
                int[] g = new int[h.length - from];
                for (int j = from; j < h.length; j++) {
                    g[j - from] = replace[j] ? h[j] + n : h[j];
                }
                gather.add(g);
            }
            NDList doubled =
                    new NDList(
                            adapted.get(0).concat(wordDropped.adapt(ps), 0),
                            adapted.get(1).concat(adapted.get(1), 0));
            augmented = encode(model, block, ps, sub, gather, histories, doubled);
        }
        NDArray s = original.get(0);
        NDArray sAug = augmented.get(0);

        NDArray ids = sub.create(targets, new Shape(targets.length));
        NDArray tHat = MissRecBlock.normalize(gatherRows(ids, adapted.get(0)));
        NDArray vHat = MissRecBlock.normalize(gatherRows(ids, adapted.get(1)));
        NDArray seqItem =
                fusedInBatchLogits(s, tHat, vHat, fusionFactor(block, ps, s), config.temperature());
        NDArray seqSeq = Scalars.dividedBy(s.matMul(sAug.transpose()), config.temperature());
        NDArray regulariser = original.get(1).add(augmented.get(1));
        return inBatchCrossEntropy(seqItem)
                .add(Scalars.times(inBatchCrossEntropy(seqSeq), lambda))
                .add(Scalars.times(regulariser, config.gamma()));
    }

    /**
     * Encodes histories: {@code gather} are the ids whose adapted rows form the decoder input (they
     * differ from {@code items} only under word drop), {@code items} give the interests.
     */
    private static NDList encode(
            MissRecModel model,
            MissRecBlock block,
            ParameterStore ps,
            NDManager sub,
            List<int[]> gather,
            List<int[]> items,
            NDList adapted) {
        int l = model.config().maxSeqLength();
        Sequences.PaddedBatch padded = Sequences.padRight(gather, l);
        InterestTokens.Batch tokens = InterestTokens.dedup(items, model.interests(), l);
        return block.encode(
                ps,
                padded.itemArray(sub),
                padded.lengthArray(sub),
                tokens.array(sub),
                adapted,
                true);
    }

    private static NDArray gatherRows(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).head(); // (B) -> (B, D)
    }

    private static NDArray fusionFactor(MissRecBlock block, ParameterStore ps, NDArray like) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getValue().getName().equals("fusion_factor")) {
                return ps.getValue(p.getValue(), like.getDevice(), true);
            }
        }
        return null;
    }

    /**
     * In-batch dynamic-fusion logits (§2.4 over the batch's targets): {@code c_t = s t̂^T}, {@code
     * c_v = s v̂^T}, {@code f = sum_m softmax(beta c)_m c_m} (the mean when {@code beta} is null),
     * divided by tau. (B, D) x (B, D) -> (B, B).
     */
    static NDArray fusedInBatchLogits(
            NDArray s, NDArray tHat, NDArray vHat, NDArray beta, float tau) {
        NDArray ct = s.matMul(tHat.transpose());
        NDArray cv = s.matMul(vHat.transpose());
        NDArray f;
        if (beta == null) {
            f = Scalars.dividedBy(ct.add(cv), 2);
        } else {
            NDArray c = ct.stack(cv, 2); // (B, B, M)
            f = c.mul(beta).softmax(2).mul(c).sum(new int[] {2});
        }
        return Scalars.dividedBy(f, tau);
    }

    /** Cross-entropy of (B, B) logits whose row i has its positive in column i, batch mean. */
    static NDArray inBatchCrossEntropy(NDArray logits) {
        long b = logits.getShape().get(0);
        NDArray eye = logits.getManager().eye((int) b);
        return logits.logSoftmax(1).mul(eye).sum(new int[] {1}).neg().mean();
    }

    /** The word-dropped text table as a native constant, adapted by the live text adapter. */
    private static final class WordDropTable implements AutoCloseable {
        private final NDArray raw;
        private final Block textAdapter;

        private WordDropTable(NDArray raw, Block textAdapter) {
            this.raw = raw;
            this.textAdapter = textAdapter;
        }

        static WordDropTable of(MissRecModel model, PretrainingCorpus corpus) {
            if (corpus.wordDroppedText() == null) {
                return null;
            }
            Block adapter = null;
            for (Pair<String, Block> child : model.block().getChildren()) {
                if (child.getKey().endsWith("text_adaptor")) {
                    adapter = child.getValue();
                }
            }
            NDArray raw =
                    model.manager()
                            .create(
                                    corpus.wordDroppedText().data(),
                                    new Shape(
                                            corpus.wordDroppedText().rows(),
                                            corpus.wordDroppedText().dim()));
            return new WordDropTable(raw, adapter);
        }

        NDArray adapt(ParameterStore ps) {
            return textAdapter.forward(ps, new NDList(raw), true).head();
        }

        @Override
        public void close() {
            raw.close();
        }
    }
}
