package dev.missrec.model.serve;

import dev.missrec.model.missrec.MissRecArtifact;
import dev.missrec.model.missrec.MissRecModel;
import dev.missrec.model.missrec.MissRecServing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a MISSRec model: top-K items for a batch of histories in one model call, scored against
 * the trained items plus every item of a {@link LiveItemCatalog}, which may grow while serving (a
 * new item is scored from its features and recommendable in the next call, no retraining).
 *
 * <p>State is a chain of immutable <em>generations</em> (model + item tables of one catalog
 * version). A call takes a reference on the current generation and gives it back when done; a
 * catalog change or a {@link #swapModel model swap} publishes a new generation atomically and gives
 * up the engine's reference on the old one, which closes after its last call has finished — never a
 * use after close, never a leak. So the engine may be called from several threads at once, and a
 * new model can be loaded and warmed up on another thread while the current one serves.
 *
 * <p>Scores of catalog items and trained items are comparable: both come from the same adapters and
 * fusion; in transductive mode an item without a trained ID row is scored by its fused feature
 * score alone (see {@code MissRecBlock#logits}).
 */
public final class InferenceEngine implements BatchRecommender {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

    /**
     * @param excludeSeen leave items already in a history out of its recommendations
     * @param warmUp run every batch shape once when a model is loaded
     */
    public record Options(boolean excludeSeen, boolean warmUp) {
        public static Options defaults() {
            return new Options(true, true);
        }
    }

    private final Options options;
    private final LiveItemCatalog catalog;
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final ReentrantLock publishing = new ReentrantLock();
    private final AtomicLong unknownHistoryItems = new AtomicLong();
    private final AtomicLong unscorableCatalogItems = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger loadedModels =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private InferenceEngine(Options options, LiveItemCatalog catalog) {
        this.options = Objects.requireNonNull(options, "options");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Starts serving {@code model} (ownership passes to the engine).
     *
     * @param itemTokens the model's internal id to external item id, index 0 = PAD
     * @param catalog run-time items, possibly shared with other engines
     */
    public static InferenceEngine start(
            MissRecModel model,
            String[] itemTokens,
            String version,
            Options options,
            LiveItemCatalog catalog) {
        InferenceEngine engine = new InferenceEngine(options, catalog);
        engine.swapModel(model, itemTokens, version);
        return engine;
    }

    /** Loads a MISSRec artifact (verified) onto {@code device} and starts serving it. */
    public static InferenceEngine load(
            Path artifact,
            String version,
            ai.djl.Device device,
            Options options,
            LiveItemCatalog catalog) {
        MissRecArtifact.Loaded loaded = MissRecArtifact.load(artifact, device);
        return start(loaded.model(), loaded.itemTokens(), version, options, catalog);
    }

    /** The catalog of run-time items this engine scores. */
    public LiveItemCatalog catalog() {
        return catalog;
    }

    @Override
    public String modelVersion() {
        return current.get().model.version;
    }

    /** History items the model did not know, over the engine's life. */
    public long unknownHistoryItems() {
        return unknownHistoryItems.get();
    }

    /** Catalog items a served model could not use (feature size of another model). */
    public long unscorableCatalogItems() {
        return unscorableCatalogItems.get();
    }

    /**
     * Floating-point operations the current model spends on one call with {@code histories} (as
     * padded to its shape buckets), for throughput-to-peak accounting.
     */
    public double flopsPerCall(List<String[]> histories) {
        return flops(histories, false);
    }

    /**
     * The part of {@link #flopsPerCall} that is not padding: each history encoded at its own
     * length, only the real histories scored.
     */
    public double usefulFlopsPerCall(List<String[]> histories) {
        return flops(histories, true);
    }

    private double flops(List<String[]> histories, boolean useful) {
        Generation g = acquire();
        try {
            int[] lengths = new int[histories.size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = Math.max(1, histories.get(i).length);
            }
            return useful
                    ? g.model.serving.usefulFlops(lengths, g.tables.rows())
                    : g.model.serving.flopsOfCall(lengths, g.tables.rows());
        } finally {
            g.refs.release();
        }
    }

    /** Models loaded and not yet closed: 1 while serving, briefly 2 around a swap. */
    public int loadedModels() {
        return loadedModels.get();
    }

    @Override
    public int catalogSize() {
        Generation g = acquire(); // brings the catalog's latest changes in first
        try {
            return g.recommendableCount;
        } finally {
            g.refs.release();
        }
    }

    /**
     * Replaces the served model: builds its item tables from its trained items and the whole
     * catalog, warms it up (on the calling thread, while the current model keeps serving), then
     * switches atomically. The previous model is closed after its last running call. Ownership of
     * {@code model} passes to the engine, also when this fails.
     */
    public void swapModel(MissRecModel model, String[] itemTokens, String version) {
        ServedModel next;
        try {
            next = new ServedModel(MissRecServing.of(model), itemTokens, version, loadedModels);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        Generation built = null;
        try {
            built = Generation.of(next, catalog, this);
            Generation serving = current.get();
            if (serving != null) {
                next.serving.adoptCosts(serving.model.serving); // only reads a finished table
            }
            if (options.warmUp()) {
                next.serving.warmUp(built.tables);
            }
        } catch (RuntimeException e) {
            if (built != null) {
                built.refs.release();
            }
            next.refs.release();
            throw e;
        }
        next.refs.release(); // from now on only its generations hold the model
        publishing.lock();
        try {
            if (closed) {
                built.refs.release();
                throw new IllegalStateException("the engine is closed");
            }
            Generation latest = built.catchUp(catalog, this);
            Generation old = current.getAndSet(latest);
            if (old != null) {
                old.refs.release();
                LOG.info("Serving model {} (was {})", version, old.model.version);
            } else {
                LOG.info("Serving model {}", version);
            }
        } finally {
            publishing.unlock();
        }
    }

    @Override
    public boolean knows(String itemId) {
        if (current.get().rowOf(itemId) != null) {
            return true;
        }
        LiveItemCatalog.Entry e = catalog.get(itemId);
        return e != null && e.hasFeatures() && e.status() != LiveItemCatalog.Status.DELETED;
    }

    @Override
    public boolean setRecommendable(String itemId, boolean recommendable) {
        if (!knows(itemId)) {
            return false;
        }
        catalog.setStatus(
                itemId,
                recommendable ? LiveItemCatalog.Status.ACTIVE : LiveItemCatalog.Status.BLOCKED,
                System.currentTimeMillis());
        return true;
    }

    @Override
    public ItemChange updateItem(
            String itemId,
            float[] text,
            float[] image,
            LiveItemCatalog.Status status,
            long updateTime) {
        if (text == null && image == null) {
            if (!knows(itemId) && status != LiveItemCatalog.Status.DELETED) {
                return ItemChange.rejected(
                        "item "
                                + itemId
                                + " is unknown to model "
                                + modelVersion()
                                + " and has neither a text nor an image embedding");
            }
            catalog.setStatus(itemId, status, updateTime);
            return ItemChange.ACCEPTED;
        }
        MissRecServing serving = current.get().model.serving;
        String problem = featureProblem("text", text, serving.textDim());
        if (problem == null) {
            problem = featureProblem("image", image, serving.imageDim());
        }
        if (problem != null) {
            return ItemChange.rejected("item " + itemId + ": " + problem);
        }
        catalog.put(itemId, text, image, status, updateTime);
        return ItemChange.ACCEPTED;
    }

    private static String featureProblem(String what, float[] v, int dim) {
        if (v == null) {
            return null;
        }
        if (v.length != dim) {
            return what + " embedding has " + v.length + " values, the model reads " + dim;
        }
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return what + " embedding holds a non-finite value (" + x + ")";
            }
        }
        return null;
    }

    @Override
    public List<Recommendations> recommend(List<String[]> histories, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        Generation g = acquire();
        try {
            return recommend(g, histories, k);
        } finally {
            g.refs.release();
        }
    }

    private List<Recommendations> recommend(Generation g, List<String[]> histories, int k) {
        List<int[]> mapped = new ArrayList<>(histories.size());
        List<Integer> scorable = new ArrayList<>(histories.size());
        int[] unknown = new int[histories.size()];
        int maxSeen = 0;
        for (int b = 0; b < histories.size(); b++) {
            String[] history = histories.get(b);
            int[] rows = new int[history.length];
            int n = 0;
            for (String item : history) {
                Integer row = g.rowOf(item);
                if (row == null) {
                    unknown[b]++;
                } else {
                    rows[n++] = row;
                }
            }
            unknownHistoryItems.addAndGet(unknown[b]);
            if (n > 0) {
                mapped.add(Arrays.copyOf(rows, n));
                scorable.add(b);
                maxSeen = Math.max(maxSeen, n);
            }
        }
        Recommendations[] out = new Recommendations[histories.size()];
        if (!mapped.isEmpty()) {
            // seen items are dropped after the device top-K, so fetch enough to still have K
            int fetch = k + (options.excludeSeen() ? maxSeen : 0);
            List<MissRecServing.Ranked> ranked = g.model.serving.rank(g.tables, mapped, fetch);
            for (int j = 0; j < mapped.size(); j++) {
                out[scorable.get(j)] =
                        select(g, ranked.get(j), mapped.get(j), k, unknown[scorable.get(j)]);
            }
        }
        for (int b = 0; b < out.length; b++) {
            if (out[b] == null) {
                // a history with no known item gets no recommendation from a sequence model
                out[b] =
                        new Recommendations(
                                new String[0], new float[0], unknown[b], g.model.version);
            }
        }
        return Arrays.asList(out);
    }

    private Recommendations select(
            Generation g, MissRecServing.Ranked ranked, int[] history, int k, int unknown) {
        Set<Integer> seen = new HashSet<>();
        if (options.excludeSeen()) {
            for (int row : history) {
                seen.add(row);
            }
        }
        String[] ids = new String[k];
        float[] scores = new float[k];
        int n = 0;
        for (int i = 0; i < ranked.rows().length && n < k; i++) {
            int row = ranked.rows()[i];
            if (!seen.contains(row)) {
                ids[n] = g.itemAt(row);
                scores[n++] = ranked.scores()[i];
            }
        }
        return new Recommendations(
                Arrays.copyOf(ids, n), Arrays.copyOf(scores, n), unknown, g.model.version);
    }

    /** A reference on the current generation, brought up to the catalog's version first. */
    private Generation acquire() {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the engine is closed");
            }
            Generation g = current.get();
            if (g.catalogVersion != catalog.version()) {
                publishCatalogChanges();
                continue;
            }
            if (g.refs.tryAcquire()) {
                return g;
            }
            // lost a race with a publication: the next read sees the newer generation
        }
    }

    private void publishCatalogChanges() {
        publishing.lock();
        try {
            Generation g = current.get();
            if (closed || g.catalogVersion == catalog.version()) {
                return;
            }
            Generation next = g.catchUp(catalog, this);
            if (next != g) {
                current.set(next);
                g.refs.release();
            }
        } finally {
            publishing.unlock();
        }
    }

    /** References the current generation holds, its owner's included (for tests). */
    int currentReferences() {
        return current.get().refs.count();
    }

    /**
     * Stops serving: the model and tables are closed after the last running call. Calls after close
     * fail with an {@link IllegalStateException}.
     */
    @Override
    public void close() {
        publishing.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Generation g = current.getAndSet(null);
            if (g != null) {
                g.refs.release();
            }
        } finally {
            publishing.unlock();
        }
    }

    /** A loaded model and its trained item ids; closed when its last generation closes. */
    private static final class ServedModel {
        final MissRecServing serving;
        final String version;
        final String[] itemTokens;
        final Map<String, Integer> rows;
        final RefCount refs;

        ServedModel(
                MissRecServing serving,
                String[] itemTokens,
                String version,
                java.util.concurrent.atomic.AtomicInteger loaded) {
            if (itemTokens.length != serving.modelItems()) {
                throw new IllegalArgumentException(
                        itemTokens.length
                                + " item ids for a model of "
                                + serving.modelItems()
                                + " items");
            }
            this.serving = serving;
            this.version = Objects.requireNonNull(version, "version");
            this.itemTokens = itemTokens.clone();
            this.rows = new HashMap<>(itemTokens.length * 2);
            for (int i = 1; i < itemTokens.length; i++) {
                if (rows.put(itemTokens[i], i) != null) {
                    throw new IllegalArgumentException(
                            "item id '" + itemTokens[i] + "' appears twice");
                }
            }
            loaded.incrementAndGet();
            this.refs =
                    new RefCount(
                            () -> {
                                serving.close();
                                loaded.decrementAndGet();
                            });
        }
    }

    /**
     * One model with the item tables of one catalog version: trained items at their model rows,
     * catalog items after them. Immutable; closed (tables freed, model reference released) after
     * its last call once it is no longer current.
     */
    private static final class Generation {
        final ServedModel model;
        final MissRecServing.Tables tables;
        final Map<String, Integer> extraRows;
        final List<String> extraItems;
        final long[] featuresVersion;
        final long catalogVersion;
        final int recommendableCount;
        final RefCount refs;

        private Generation(
                ServedModel model,
                MissRecServing.Tables tables,
                Map<String, Integer> extraRows,
                List<String> extraItems,
                long[] featuresVersion,
                long catalogVersion) {
            if (!model.refs.tryAcquire()) {
                tables.close();
                throw new IllegalStateException("model " + model.version + " is already closed");
            }
            this.model = model;
            this.tables = tables;
            this.extraRows = extraRows;
            this.extraItems = extraItems;
            this.featuresVersion = featuresVersion;
            this.catalogVersion = catalogVersion;
            int count = 0;
            for (int r = 0; r < tables.rows(); r++) {
                if (tables.recommendable(r)) {
                    count++;
                }
            }
            this.recommendableCount = count;
            this.refs =
                    new RefCount(
                            () -> {
                                tables.close();
                                model.refs.release();
                            });
        }

        /** The first generation of a model: its trained items plus the whole catalog. */
        static Generation of(ServedModel model, LiveItemCatalog catalog, InferenceEngine engine) {
            MissRecServing.Tables base = model.serving.modelTables(null);
            Generation g =
                    new Generation(model, base, Map.of(), List.of(), new long[base.rows()], 0);
            Generation full;
            try {
                full = g.catchUp(catalog, engine);
            } catch (RuntimeException e) {
                g.refs.release();
                throw e;
            }
            if (full != g) {
                g.refs.release(); // the caught-up generation holds its own model reference
            }
            return full;
        }

        Integer rowOf(String itemId) {
            Integer row = model.rows.get(itemId);
            return row != null ? row : extraRows.get(itemId);
        }

        String itemAt(int row) {
            return row < model.itemTokens.length
                    ? model.itemTokens[row]
                    : extraItems.get(row - model.itemTokens.length);
        }

        /** This generation with the catalog's changes since its version applied (or itself). */
        Generation catchUp(LiveItemCatalog catalog, InferenceEngine engine) {
            LiveItemCatalog.Changes changes = catalog.changesSince(catalogVersion);
            if (changes.entries().isEmpty()) {
                return this;
            }
            int rows = tables.rows();
            Map<String, Integer> extra = new HashMap<>(extraRows);
            List<String> items = new ArrayList<>(extraItems);
            boolean[] recommendable = tables.recommendableFlags();
            List<MissRecServing.RowFeatures> features = new ArrayList<>();
            List<Long> versions = new ArrayList<>();
            int textDim = model.serving.textDim();
            int imageDim = model.serving.imageDim();
            for (LiveItemCatalog.Entry e : changes.entries()) {
                boolean fits =
                        (e.text() == null || e.text().length == textDim)
                                && (e.image() == null || e.image().length == imageDim);
                if (e.hasFeatures() && !fits) {
                    engine.unscorableCatalogItems.incrementAndGet();
                    LOG.warn(
                            "Catalog item {} does not fit model {} (feature sizes); not served",
                            e.itemId(),
                            model.version);
                    continue;
                }
                Integer row = model.rows.get(e.itemId());
                if (row == null) {
                    row = extra.get(e.itemId());
                }
                if (row == null) {
                    if (!e.hasFeatures() || e.status() == LiveItemCatalog.Status.DELETED) {
                        continue; // nothing to score it with, or gone before it was served
                    }
                    row = rows++;
                    extra.put(e.itemId(), row);
                    items.add(e.itemId());
                    recommendable = Arrays.copyOf(recommendable, rows);
                    features.add(new MissRecServing.RowFeatures(row, e.text(), e.image()));
                    versions.add(e.featuresVersion());
                } else if (e.hasFeatures()
                        && e.featuresVersion() > featuresVersion[row]
                        // re-announcing a trained item's own features changes nothing
                        && !(featuresVersion[row] == 0
                                && model.serving.hasTrainedFeatures(row, e.text(), e.image()))) {
                    features.add(new MissRecServing.RowFeatures(row, e.text(), e.image()));
                    versions.add(e.featuresVersion());
                }
                recommendable[row] = e.status() == LiveItemCatalog.Status.ACTIVE;
            }
            long[] fv = Arrays.copyOf(featuresVersion, rows);
            for (int i = 0; i < features.size(); i++) {
                fv[features.get(i).row()] = versions.get(i);
            }
            MissRecServing.Tables next = model.serving.extend(tables, features, recommendable);
            return new Generation(model, next, extra, items, fv, changes.version());
        }
    }
}
