package dev.missrec.model.missrec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.SequenceScorer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.interest.InterestTables;
import dev.missrec.model.interest.KMeans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Continues a served MISSRec artifact on a new window of interactions: what the streaming
 * fine-tuning pipeline calls. The child model is the parent with the items that appeared since
 * appended to its catalog (new feature rows; new item-ID rows drawn from N(0, 0.02) as the
 * reference initialises them; new items get the nearest interest centroid), then fine-tuned on the
 * window plus an optional replay of older cases, efficiently by default (only adapters,
 * decoder-input LayerNorm, β and IDs move). It is selected on the window's held-out events with the
 * parent-plus-new-items as the starting candidate, so the child never scores below its parent on
 * those events. The artifact's manifest names the parent version and the data the child saw.
 *
 * <p>Ids: the child's catalog is the parent's ({@code 0..N-1}, same tokens) followed by the new
 * items in the order given ({@code N..N+M-1}); {@link #childCatalog} builds it, and the window's
 * cases must be written in it.
 */
public final class IncrementalFineTuning {
    private IncrementalFineTuning() {}

    /**
     * Items that appeared since the parent was trained.
     *
     * @param tokens their tokens, none already in the parent's catalog
     * @param text their text features (M rows, no PAD row), the parent's text size
     * @param image their image features (M rows), or null when the catalog has no images (all-zero
     *     rows)
     */
    public record NewItems(String[] tokens, float[][] text, float[][] image) {
        public NewItems {
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(text, "text");
            if (text.length != tokens.length || (image != null && image.length != tokens.length)) {
                throw new IllegalArgumentException(
                        tokens.length + " new items but feature rows for a different number");
            }
        }

        /** No new items. */
        public static NewItems none() {
            return new NewItems(new String[0], new float[0][], null);
        }

        public int count() {
            return tokens.length;
        }
    }

    /**
     * One incremental update.
     *
     * @param parent the served artifact's directory
     * @param parentVersion its version in the registry (recorded as the child's parent)
     * @param newItems items that appeared since; {@link NewItems#none()} for none
     * @param window training cases of the new window, in the child's ids
     * @param replay a sample of older training cases to mix in against forgetting; may be empty
     * @param heldOut the window's held-out events, for selection (never trained on)
     * @param test later events to report parent and child on, never used for any choice; may be
     *     empty
     * @param data what the child saw, recorded in its manifest (e.g. the window's event-time range)
     * @param settings seed, epochs and patience ({@code preset} is ignored: the parent's network)
     * @param efficient train only adapters, LayerNorm, β and IDs (false: every parameter)
     */
    public record Request(
            Path parent,
            String parentVersion,
            NewItems newItems,
            List<SequenceExample> window,
            List<SequenceExample> replay,
            List<SequenceExample> heldOut,
            List<SequenceExample> test,
            DataDescription data,
            TrainSettings settings,
            boolean efficient) {
        public Request {
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(parentVersion, "parentVersion");
            Objects.requireNonNull(newItems, "newItems");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(settings, "settings");
            window = List.copyOf(window);
            replay = List.copyOf(replay);
            heldOut = List.copyOf(heldOut);
            test = List.copyOf(test);
            if (window.isEmpty() || heldOut.isEmpty()) {
                throw new IllegalArgumentException(
                        "an incremental update needs window cases and held-out events");
            }
        }
    }

    /**
     * What an update produced.
     *
     * @param manifest the child's manifest (parent version, data, metrics, checksums)
     * @param parentHeldOut the parent's metrics on the held-out events (new items scored from their
     *     features)
     * @param childHeldOut the child's metrics on the same events
     * @param parentTest the parent's metrics on the request's test events, null without any
     * @param childTest the child's metrics on them, null without any
     * @param bestEpoch the epoch kept, 0 when no epoch beat the parent (the child then carries the
     *     parent's weights and the new items)
     * @param trainableParameters values fine-tuning updated
     */
    public record Result(
            ArtifactManifest manifest,
            RankingMetrics parentHeldOut,
            RankingMetrics childHeldOut,
            RankingMetrics parentTest,
            RankingMetrics childTest,
            int bestEpoch,
            long trainableParameters) {}

    /**
     * The child's catalog: the parent's tokens, then the new ones.
     *
     * @throws IllegalArgumentException if a new token is already in the parent or repeated
     */
    public static String[] childCatalog(String[] parentTokens, NewItems newItems) {
        Set<String> seen = new HashSet<>(List.of(parentTokens));
        String[] out = new String[parentTokens.length + newItems.count()];
        System.arraycopy(parentTokens, 0, out, 0, parentTokens.length);
        for (int i = 0; i < newItems.count(); i++) {
            String t = newItems.tokens()[i];
            if (!seen.add(t)) {
                throw new IllegalArgumentException(
                        "new item '" + t + "' is already in the catalog or repeated");
            }
            out[parentTokens.length + i] = t;
        }
        return out;
    }

    /**
     * Runs the update and writes the child artifact at {@code target} (which must not exist).
     *
     * @throws IllegalArgumentException for cases outside the child's catalog or bad feature rows
     * @throws dev.missrec.model.artifact.ArtifactException if the parent fails verification
     */
    public static Result run(Request request, Path target) {
        MissRecArtifact.Loaded parent = MissRecArtifact.load(request.parent());
        String[] tokens = childCatalog(parent.itemTokens(), request.newItems());
        MissRecModel child;
        try (MissRecModel from = parent.model()) {
            ItemFeatureTable text = extend(from.textFeatures(), request.newItems().text());
            ItemFeatureTable image =
                    extend(
                            from.imageFeatures(),
                            request.newItems().image() != null
                                    ? request.newItems().image()
                                    : new float[request.newItems().count()]
                                            [from.imageFeatures().dim()]);
            MissRecConfig config =
                    from.config().toBuilder().optPatience(request.settings().patience()).build();
            Engine.getInstance().setRandomSeed((int) request.settings().seed());
            child = MissRecModel.create(config, text, image);
            try {
                FineTuning.copyWeights(from, child, true);
                child.setInterests(extendInterests(child, from.interests()));
            } catch (RuntimeException e) {
                child.close();
                throw e;
            }
        }
        try {
            if (request.efficient()) {
                FineTuning.freezeBackbone(child.block());
            }
            int n = child.numItems();
            for (List<SequenceExample> cases :
                    List.of(
                            request.window(),
                            request.replay(),
                            request.heldOut(),
                            request.test())) {
                for (SequenceExample c : cases) {
                    requireInCatalog(c, n);
                }
            }
            RankingMetrics parentMetrics = evaluate(child, request.heldOut());
            RankingMetrics parentTest =
                    request.test().isEmpty() ? null : evaluate(child, request.test());
            List<SequenceExample> train = new ArrayList<>(request.window());
            train.addAll(request.replay());
            SequenceDataset data =
                    new SequenceDataset(
                            request.data().dataset(),
                            (int) Math.min(Integer.MAX_VALUE, request.data().users()),
                            tokens,
                            null,
                            child.textFeatures(),
                            child.imageFeatures(),
                            train,
                            request.heldOut(),
                            List.of());
            int bestEpoch;
            try (MissRecModel.Snapshot start = child.snapshot()) {
                MissRecScorer trained =
                        MissRecTrainer.train(
                                child, "missrec-incremental", data, request.settings());
                bestEpoch = trained.bestEpoch();
                if (trained.training().bestValidNdcg10() < parentMetrics.ndcg10()) {
                    child.restore(start);
                    bestEpoch = 0;
                }
            }
            RankingMetrics childMetrics = evaluate(child, request.heldOut());
            RankingMetrics childTest =
                    request.test().isEmpty() ? null : evaluate(child, request.test());
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("parent.heldout.ndcg@10", parentMetrics.ndcg10());
            metrics.put("parent.heldout.hit@10", parentMetrics.hit10());
            metrics.put("heldout.ndcg@10", childMetrics.ndcg10());
            metrics.put("heldout.hit@10", childMetrics.hit10());
            if (childTest != null) {
                metrics.put("parent.test.ndcg@10", parentTest.ndcg10());
                metrics.put("parent.test.hit@10", parentTest.hit10());
                metrics.put("test.ndcg@10", childTest.ndcg10());
                metrics.put("test.hit@10", childTest.hit10());
            }
            metrics.put("best_epoch", (double) bestEpoch);
            metrics.put("new_items", (double) request.newItems().count());
            metrics.put("window_cases", (double) request.window().size());
            metrics.put("replay_cases", (double) request.replay().size());
            ArtifactManifest manifest =
                    MissRecArtifact.save(
                            child,
                            tokens,
                            target,
                            request.data(),
                            metrics,
                            request.parentVersion());
            return new Result(
                    manifest,
                    parentMetrics,
                    childMetrics,
                    parentTest,
                    childTest,
                    bestEpoch,
                    child.block().trainableParameterCount());
        } finally {
            child.close();
        }
    }

    private static void requireInCatalog(SequenceExample c, int n) {
        if (c.target() < 1 || c.target() >= n) {
            throw new IllegalArgumentException(
                    "case of user "
                            + c.user()
                            + " targets item "
                            + c.target()
                            + " outside 1.."
                            + (n - 1));
        }
        for (int item : c.history()) {
            if (item < 1 || item >= n) {
                throw new IllegalArgumentException(
                        "case of user "
                                + c.user()
                                + " has item "
                                + item
                                + " outside 1.."
                                + (n - 1));
            }
        }
    }

    private static ItemFeatureTable extend(ItemFeatureTable table, float[][] rows) {
        int n = table.rows();
        int d = table.dim();
        float[] data = java.util.Arrays.copyOf(table.data(), (n + rows.length) * d);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        "new item " + i + " has " + rows[i].length + " features, expected " + d);
            }
            System.arraycopy(rows[i], 0, data, (n + i) * d, d);
        }
        return new ItemFeatureTable(n + rows.length, d, data);
    }

    /**
     * The parent's interest tables with every new item assigned the nearest centroid of its adapted
     * text and image features: how a live catalog places an item without re-clustering.
     */
    static InterestTables extendInterests(MissRecModel child, InterestTables parent) {
        int n = parent.numItems();
        int total = child.numItems();
        int[] text = java.util.Arrays.copyOf(parent.textLookup(), total);
        int[] image = java.util.Arrays.copyOf(parent.imageLookup(), total);
        if (total > n) {
            float[] centroids =
                    java.util.Arrays.copyOfRange(
                            parent.embeddings(), parent.dim(), parent.embeddings().length);
            try (NDManager sub = NDManager.newBaseManager()) {
                NDList adapted = child.adaptedItems(sub);
                NDArray t = adapted.get(0).get(n + ":");
                NDArray v = adapted.get(1).get(n + ":");
                int[] lt = KMeans.assign(t, centroids, parent.k(), parent.dim());
                int[] lv = KMeans.assign(v, centroids, parent.k(), parent.dim());
                for (int i = 0; i < total - n; i++) {
                    text[n + i] = lt[i] + 1;
                    image[n + i] = lv[i] + 1;
                }
            }
        }
        return new InterestTables(text, image, parent.embeddings(), parent.k(), parent.dim());
    }

    private static RankingMetrics evaluate(MissRecModel model, List<SequenceExample> cases) {
        try (MissRecModel.Scoring scoring = model.scoring()) {
            SequenceScorer scorer =
                    new SequenceScorer() {
                        @Override
                        public String name() {
                            return "missrec-incremental";
                        }

                        @Override
                        public float[][] score(List<int[]> histories) {
                            return scoring.score(histories);
                        }
                    };
            return RankingEvaluator.evaluate(scorer, cases, model.config().evalBatchSize());
        }
    }
}
