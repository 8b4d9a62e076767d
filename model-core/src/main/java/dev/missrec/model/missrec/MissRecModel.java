package dev.missrec.model.missrec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.interest.InterestDiscovery;
import dev.missrec.model.interest.InterestTables;
import dev.missrec.model.interest.InterestTokens;
import dev.missrec.model.nn.Sequences;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A MISSRec network with its native state: parameters, the raw feature tables, the current interest
 * tables and the Adam optimiser. One training step, interest discovery, scoring and best-weight
 * snapshots live here; the epoch loop is {@link MissRecTrainer}'s.
 *
 * <p>Native memory: every per-batch array is created in a sub-manager, and each step also runs in
 * an {@link NDScope}, because DJL attaches an op's result to its first operand's manager and
 * several ops start from a long-lived table (the feature tables, the position embedding); the scope
 * closes those intermediates at the end of the batch. Close the model after last use.
 */
public final class MissRecModel implements AutoCloseable {
    /**
     * Histories per forward when scoring: small enough that length-sorted chunks stay tightly
     * padded (a chunk costs as much as its longest history), large enough to keep matMuls big.
     */
    private static final int SCORING_CHUNK = 256;

    private final MissRecConfig config;
    private final NDManager manager;
    private final MissRecBlock block;
    private final ParameterStore parameterStore;
    private final Optimizer optimizer;
    private final ItemFeatureTable textTable;
    private final ItemFeatureTable imageTable;
    private InterestTables interests;
    private NDArray interestArray;
    private boolean[] knownItems;
    private float[] logPrior;
    private NDArray trainingLogitOffsets;

    private MissRecModel(
            MissRecConfig config,
            ItemFeatureTable text,
            ItemFeatureTable image,
            NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.textTable = text;
        this.imageTable = image;
        block = new MissRecBlock(config, text.rows(), text.dim(), image.dim());
        NDArray t = manager.create(text.data(), new Shape(text.rows(), text.dim()));
        NDArray v = manager.create(image.data(), new Shape(image.rows(), image.dim()));
        block.setFeatureTables(t, v);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1), new Shape(1, 1));
        parameterStore = new ParameterStore(manager, false);
        // RecBole's learner: Adam, fixed lr, weight decay 0, no clipping (§3.2). DJL's Adam adds
        // epsilon to sqrt(v) before the bias correction, PyTorch after it: a 1e-8-sized
        // difference we accept rather than write our own optimiser.
        optimizer =
                Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(config.learningRate()))
                        .build();
    }

    /**
     * Builds a freshly initialised model. Seed the engine first ({@code
     * Engine.getInstance().setRandomSeed}) for a reproducible initialisation.
     *
     * @param text text features (N, P_t), row 0 = PAD = zeros
     * @param image image features (N, P_v); a dataset without images passes an all-zero table,
     *     which is how the reference represents a missing modality (§1.1)
     */
    public static MissRecModel create(
            MissRecConfig config, ItemFeatureTable text, ItemFeatureTable image) {
        return create(config, text, image, null);
    }

    /**
     * As {@link #create(MissRecConfig, ItemFeatureTable, ItemFeatureTable)}, with the parameters
     * and tables on {@code device} (null: the engine's default device).
     */
    public static MissRecModel create(
            MissRecConfig config,
            ItemFeatureTable text,
            ItemFeatureTable image,
            ai.djl.Device device) {
        if (text.rows() != image.rows()) {
            throw new IllegalArgumentException(
                    "text table has " + text.rows() + " rows, image table " + image.rows());
        }
        NDManager manager =
                device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
        try {
            return new MissRecModel(config, text, image, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public MissRecConfig config() {
        return config;
    }

    public MissRecBlock block() {
        return block;
    }

    /** The raw text features the model reads (shared, not copied). */
    public ItemFeatureTable textFeatures() {
        return textTable;
    }

    /** The raw image features the model reads (shared, not copied). */
    public ItemFeatureTable imageFeatures() {
        return imageTable;
    }

    /** The manager owning the parameters (for loading saved parameters into them). */
    NDManager manager() {
        return manager;
    }

    /** N, items including PAD. */
    public int numItems() {
        return block.numItems();
    }

    /** The current interest tables, or null before the first discovery. */
    public InterestTables interests() {
        return interests;
    }

    /** Installs interest tables (from a discovery or a snapshot). */
    public void setInterests(InterestTables tables) {
        if (tables.numItems() != numItems() || tables.dim() != config.hiddenSize()) {
            throw new IllegalArgumentException(
                    "interest tables for "
                            + tables.numItems()
                            + " items of size "
                            + tables.dim()
                            + " do not fit this model ("
                            + numItems()
                            + " items, D = "
                            + config.hiddenSize()
                            + ")");
        }
        NDArray next = tables.embeddingArray(manager);
        block.setInterestEmbeddings(next);
        if (interestArray != null) {
            interestArray.close();
        }
        interestArray = next;
        interests = tables;
    }

    /**
     * Restricts training to the items marked known (length N): the others are left out of the
     * training softmax and out of the interest clustering (they get the nearest centroid), as if
     * they did not exist yet. Scoring still ranks every item. Null makes every item known again.
     */
    public void setKnownItems(boolean[] known) {
        if (known != null && known.length != numItems()) {
            throw new IllegalArgumentException(
                    "known-item mask has "
                            + known.length
                            + " entries for "
                            + numItems()
                            + " items");
        }
        boolean any = false;
        for (int i = 1; known != null && i < known.length; i++) {
            any |= !known[i];
        }
        knownItems = any ? known.clone() : null;
        updateLogitOffsets();
    }

    /**
     * Trains with logit adjustment (Menon et al., ICLR 2021, "Long-tail learning via logit
     * adjustment"): {@code logPrior[i]} is added to item i's training logit, so the model learns
     * scores without the item prior and ranks by them. Scoring is unchanged. With the training
     * targets' log-frequencies this keeps the popularity that known items' features would otherwise
     * absorb out of the scores, so items that have not been clicked yet compete on content. A
     * deliberate deviation, off unless set; null turns it off.
     */
    public void setLogitAdjustment(float[] logPrior) {
        if (logPrior != null && logPrior.length != numItems()) {
            throw new IllegalArgumentException(
                    "log prior has " + logPrior.length + " entries for " + numItems() + " items");
        }
        this.logPrior = logPrior == null ? null : logPrior.clone();
        updateLogitOffsets();
    }

    /** One (1, N) array added to the training logits: unknown items out, the log prior in. */
    private void updateLogitOffsets() {
        if (trainingLogitOffsets != null) {
            trainingLogitOffsets.close();
            trainingLogitOffsets = null;
        }
        if (knownItems == null && logPrior == null) {
            return;
        }
        float[] offsets = new float[numItems()];
        for (int i = 1; i < offsets.length; i++) {
            if (knownItems != null && !knownItems[i]) {
                // large enough to vanish from the softmax, finite so that 0 * offset stays 0
                offsets[i] = -1e9f;
            } else if (logPrior != null) {
                offsets[i] = logPrior[i];
            }
        }
        trainingLogitOffsets = manager.create(offsets, new Shape(1, offsets.length));
    }

    /**
     * Re-runs interest discovery on the current adapters (§2.3), in eval mode and without
     * gradients, and installs the result.
     */
    public InterestTables discoverInterests(Random random) {
        InterestTables tables;
        try (NDScope scope = new NDScope()) {
            NDList adapted = block.adaptItems(parameterStore, false);
            tables =
                    knownItems == null
                            ? InterestDiscovery.discover(
                                    adapted.get(0),
                                    adapted.get(1),
                                    config.interestRatio(),
                                    config.kmeansIterations(),
                                    random,
                                    config.torchpqCompat())
                            : InterestDiscovery.discover(
                                    adapted.get(0),
                                    adapted.get(1),
                                    knownItems,
                                    config.interestRatio(),
                                    config.kmeansIterations(),
                                    random,
                                    config.torchpqCompat());
        }
        setInterests(tables);
        return tables;
    }

    /**
     * The adapted item tables {@code [TA(text), VA(image)]}, each (N, D), of the current weights in
     * eval mode, owned by {@code owner}.
     */
    public NDList adaptedItems(NDManager owner) {
        try (NDScope scope = new NDScope()) {
            NDList adapted = block.adaptItems(parameterStore, false);
            NDScope.unregister(adapted);
            adapted.attach(owner);
            return adapted;
        }
    }

    /**
     * One Adam step on {@code batch}; returns the batch loss. A batch whose loss or gradients are
     * not finite updates nothing and returns a non-finite value (one such batch would otherwise
     * turn Adam's state and every weight into NaN; the rare ones once seen came from constants
     * freed by the garbage collector between forward and backward, fixed by {@link
     * dev.missrec.model.nn.Scalars}); the caller decides whether the run has diverged.
     */
    public float trainStep(List<SequenceExample> batch) {
        requireInterests();
        float loss;
        try (NDManager sub = manager.newSubManager();
                NDScope scope = new NDScope();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            List<int[]> histories = new ArrayList<>(batch.size());
            long[] targets = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                SequenceExample e = batch.get(i);
                histories.add(Sequences.truncate(e.history(), config.maxSeqLength()));
                if (e.target() < 1 || e.target() >= numItems()) {
                    throw new IllegalArgumentException(
                            "target item " + e.target() + " outside 1.." + (numItems() - 1));
                }
                if (knownItems != null && !knownItems[e.target()]) {
                    throw new IllegalArgumentException(
                            "target item " + e.target() + " is not a known item of this training");
                }
                targets[i] = e.target();
            }
            NDList inputs = inputs(sub, histories);
            NDList out = block.forward(parameterStore, inputs, true);
            NDArray logits = out.get(0);
            if (trainingLogitOffsets != null) {
                logits = logits.add(trainingLogitOffsets); // (B, N) + (1, N)
            }
            NDArray lossArray =
                    block.loss(logits, out.get(1), sub.create(targets, new Shape(targets.length)));
            loss = lossArray.getFloat();
            if (!Float.isFinite(loss)) {
                return loss;
            }
            collector.backward(lossArray);
            if (!gradientsFinite(sub)) {
                return Float.NaN; // a finite loss whose gradients overflowed: not applied either
            }
        }
        applyGradients();
        return loss;
    }

    /** A training objective other than the fine-tuning loss (pre-training, §3.1). */
    @FunctionalInterface
    public interface Objective {
        /**
         * Builds the scalar loss of one batch with gradients flowing to the block's parameters.
         *
         * @param batch a manager for the batch's own arrays, closed after the step
         */
        NDArray loss(MissRecBlock block, ParameterStore parameters, NDManager batch);
    }

    /** One Adam step on the loss {@code objective} builds; returns the loss. */
    public float trainStep(Objective objective) {
        requireInterests();
        float loss;
        try (NDManager sub = manager.newSubManager();
                NDScope scope = new NDScope();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray lossArray = objective.loss(block, parameterStore, sub);
            loss = lossArray.getFloat();
            if (!Float.isFinite(loss)) {
                return loss;
            }
            collector.backward(lossArray);
            if (!gradientsFinite(sub)) {
                return Float.NaN;
            }
        }
        applyGradients();
        return loss;
    }

    /** Adam update of every trainable parameter; frozen ones are left alone. */
    private void applyGradients() {
        for (Parameter p : block.getParameters().values()) {
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray weight = p.getArray();
            try (NDArray grad = weight.getGradient()) {
                optimizer.update(p.getId(), weight, grad);
            }
        }
    }

    /** Whether every trainable parameter's gradient is finite (one sum per parameter). */
    private boolean gradientsFinite(NDManager sub) {
        for (Parameter p : block.getParameters().values()) {
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray g = p.getArray().getGradient();
            g.attach(sub); // getGradient makes a new handle in the parameter's manager
            // a sum is finite iff every element is (finite gradients do not overflow a sum)
            if (!Float.isFinite(g.sum().getFloat())) {
                return false;
            }
        }
        return true;
    }

    private NDList inputs(NDManager sub, List<int[]> truncatedHistories) {
        Sequences.PaddedBatch padded =
                Sequences.padRight(truncatedHistories, config.maxSeqLength());
        InterestTokens.Batch tokens =
                InterestTokens.dedup(truncatedHistories, interests, config.maxSeqLength());
        return new NDList(padded.itemArray(sub), padded.lengthArray(sub), tokens.array(sub));
    }

    private void requireInterests() {
        if (interests == null) {
            throw new IllegalStateException(
                    "no interest tables: call discoverInterests or setInterests first");
        }
    }

    /**
     * A scorer over the current weights: the candidate tables are computed once here and reused for
     * every batch of histories until the scorer is closed (§2.4). Do not train while it is open.
     */
    public Scoring scoring() {
        requireInterests();
        return new Scoring();
    }

    /** Full-ranking scores of the current weights for many histories; closes its tables. */
    public final class Scoring implements AutoCloseable {
        private final NDManager tables = manager.newSubManager();
        private final NDList candidates;

        private Scoring() {
            try (NDScope scope = new NDScope()) {
                NDList adapted = block.adaptItems(parameterStore, false);
                candidates = block.candidateTables(parameterStore, adapted, false);
                NDScope.unregister(candidates);
                candidates.attach(tables);
                // the adapted tables are also what the decoder input gathers from
                adaptedTables = adapted;
                NDScope.unregister(adapted);
                adapted.attach(tables);
            }
        }

        private final NDList adaptedTables;

        /**
         * One row of N scores per history (PAD column included; evaluation ignores it). Histories
         * are scored in order of length so that each chunk is padded only to similar lengths; the
         * rows come back in the caller's order.
         */
        public float[][] score(List<int[]> histories) {
            float[][] out = new float[histories.size()][];
            int n = numItems();
            Integer[] order = new Integer[histories.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(
                    order, java.util.Comparator.comparingInt(i -> histories.get(i).length));
            int chunk = Math.min(config.evalBatchSize(), SCORING_CHUNK);
            for (int start = 0; start < order.length; start += chunk) {
                int end = Math.min(order.length, start + chunk);
                List<int[]> part = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    part.add(Sequences.truncate(histories.get(order[i]), config.maxSeqLength()));
                }
                float[] flat;
                try (NDManager sub = manager.newSubManager();
                        NDScope scope = new NDScope()) {
                    NDList in = inputs(sub, part);
                    NDList enc =
                            block.encode(
                                    parameterStore,
                                    in.get(0),
                                    in.get(1),
                                    in.get(2),
                                    adaptedTables,
                                    false);
                    flat =
                            block.logits(parameterStore, enc.get(0), candidates, false)
                                    .toFloatArray();
                }
                for (int i = 0; i < part.size(); i++) {
                    float[] row = new float[n];
                    System.arraycopy(flat, i * n, row, 0, n);
                    out[order[start + i]] = row;
                }
            }
            return out;
        }

        @Override
        public void close() {
            tables.close();
        }
    }

    /** A copy of every parameter and the interest tables, kept off the training path. */
    public Snapshot snapshot() {
        NDManager snap = manager.newSubManager();
        Map<String, NDArray> values = new LinkedHashMap<>();
        for (Parameter p : block.getParameters().values()) {
            NDArray copy = p.getArray().duplicate();
            copy.attach(snap);
            values.put(p.getId(), copy);
        }
        return new Snapshot(snap, values, interests);
    }

    /** Restores the weights and interest tables of {@code snapshot}. */
    public void restore(Snapshot snapshot) {
        for (Parameter p : block.getParameters().values()) {
            NDArray saved = snapshot.values.get(p.getId());
            if (saved == null) {
                throw new IllegalArgumentException("snapshot lacks parameter " + p.getName());
            }
            p.getArray().set(new NDIndex(":"), saved);
        }
        if (snapshot.interests != null) {
            setInterests(snapshot.interests);
        }
    }

    /** Saved weights and interest tables; close to free them. */
    public static final class Snapshot implements AutoCloseable {
        private final NDManager manager;
        private final Map<String, NDArray> values;
        private final InterestTables interests;

        private Snapshot(NDManager manager, Map<String, NDArray> values, InterestTables interests) {
            this.manager = manager;
            this.values = values;
            this.interests = interests;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
