package dev.missrec.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.missrec.MissRecArtifact;
import dev.missrec.model.missrec.MissRecConfig;
import dev.missrec.model.missrec.MissRecModel;
import dev.missrec.model.missrec.TrainStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InferenceEngineTest {
    private static final int K = 10;
    private static SequenceDataset data;

    @BeforeAll
    static void generate() {
        data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(60)
                                        .optItems(90)
                                        .optTopics(4)
                                        .optFeatureDim(12)
                                        .optSeed(11)
                                        .build())
                        .generate();
    }

    /** A randomly initialised model with interests: serving must be exact whatever the weights. */
    private static MissRecModel model(TrainStage stage, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        MissRecModel m =
                MissRecModel.create(
                        MissRecConfig.tiny().withTrainStage(stage),
                        data.textFeatures(),
                        data.imageFeatures());
        m.discoverInterests(new Random(seed));
        return m;
    }

    private static InferenceEngine engine(MissRecModel model, String version, boolean exclude) {
        return InferenceEngine.start(
                model,
                data.itemTokens(),
                version,
                new InferenceEngine.Options(exclude, true),
                new LiveItemCatalog());
    }

    /** Histories of every length class, some longer than L (20), as external ids. */
    private static List<int[]> histories(int count, int seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = 1 + r.nextInt(i % 5 == 0 ? 30 : 8);
            int[] h = new int[len];
            for (int t = 0; t < len; t++) {
                h[t] = 1 + r.nextInt(data.numItems() - 1);
            }
            out.add(h);
        }
        return out;
    }

    private static List<String[]> external(List<int[]> histories) {
        String[] tokens = data.itemTokens();
        List<String[]> out = new ArrayList<>();
        for (int[] h : histories) {
            out.add(Arrays.stream(h).mapToObj(i -> tokens[i]).toArray(String[]::new));
        }
        return out;
    }

    /** Brute force: sort every allowed item of the full score row. */
    private static List<Integer> bruteForceTop(float[] scores, Set<Integer> excluded, int k) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i < scores.length; i++) {
            if (!excluded.contains(i)) {
                ids.add(i);
            }
        }
        ids.sort((a, b) -> Float.compare(scores[b], scores[a]));
        return ids.subList(0, Math.min(k, ids.size()));
    }

    @ParameterizedTest
    @EnumSource(TrainStage.class)
    void shouldReturnTheBruteForceTopKOfTheFullScoresForEveryBatchShape(TrainStage stage) {
        MissRecModel model = model(stage, 7);
        // 200 histories: batches of 1, 5, 40 and a 200 that is split into 128 + 72
        List<int[]> all = histories(246, 3);
        float[][] reference;
        try (MissRecModel.Scoring s = model.scoring()) {
            reference = s.score(all);
        }
        try (InferenceEngine engine = engine(model, "v1", true)) {
            int offset = 0;
            for (int size : new int[] {1, 5, 40, 200}) {
                List<int[]> part = all.subList(offset, offset + size);
                List<Recommendations> got = engine.recommend(external(part), K);
                for (int b = 0; b < size; b++) {
                    Set<Integer> seen = new HashSet<>();
                    for (int i : part.get(b)) {
                        seen.add(i);
                    }
                    float[] row = reference[offset + b];
                    List<Integer> expected = bruteForceTop(row, seen, K);
                    Recommendations r = got.get(b);
                    assertThat(r.modelVersion()).isEqualTo("v1");
                    assertThat(r.itemIds()).hasSize(K);
                    for (int j = 0; j < K; j++) {
                        // equal scores may swap places: compare scores, then the sets
                        assertThat(r.scores()[j])
                                .as("history %d rank %d", offset + b, j)
                                .isCloseTo(row[expected.get(j)], within(1e-4f));
                        int internal = Arrays.asList(data.itemTokens()).indexOf(r.itemIds()[j]);
                        assertThat(seen).doesNotContain(internal);
                        assertThat(r.scores()[j]).isCloseTo(row[internal], within(1e-4f));
                    }
                }
                offset += size;
            }
        }
    }

    @Test
    void shouldKeepSeenItemsWhenAskedAndNeverRecommendBlockedOnes() {
        MissRecModel model = model(TrainStage.INDUCTIVE, 8);
        List<int[]> h = histories(20, 4);
        float[][] reference;
        try (MissRecModel.Scoring s = model.scoring()) {
            reference = s.score(h);
        }
        try (InferenceEngine engine = engine(model, "v1", false)) {
            List<Recommendations> got = engine.recommend(external(h), K);
            for (int b = 0; b < h.size(); b++) {
                List<Integer> expected = bruteForceTop(reference[b], Set.of(), K);
                assertThat(got.get(b).scores()[0])
                        .isCloseTo(reference[b][expected.get(0)], within(1e-4f));
            }
            // block the best item of the first history: it disappears, everything else shifts up
            String best = got.get(0).itemIds()[0];
            assertThat(engine.setRecommendable(best, false)).isTrue();
            int before = engine.catalogSize();
            Recommendations blocked = engine.recommend(external(h.subList(0, 1)), K).get(0);
            assertThat(blocked.itemIds()).doesNotContain(best);
            assertThat(blocked.itemIds()[0]).isEqualTo(got.get(0).itemIds()[1]);
            assertThat(before).isEqualTo(data.numItems() - 2); // PAD and the blocked one
            assertThat(engine.setRecommendable(best, true)).isTrue();
            assertThat(engine.recommend(external(h.subList(0, 1)), K).get(0).itemIds()[0])
                    .isEqualTo(best);
            assertThat(engine.setRecommendable("no-such-item", false)).isFalse();
        }
    }

    @Test
    void shouldIgnoreAndCountUnknownHistoryItems() {
        try (InferenceEngine engine = engine(model(TrainStage.INDUCTIVE, 9), "v1", true)) {
            String[] tokens = data.itemTokens();
            List<Recommendations> got =
                    engine.recommend(
                            List.of(
                                    new String[] {tokens[3], "ghost-1", tokens[5]},
                                    new String[] {tokens[3], tokens[5]},
                                    new String[] {"ghost-2", "ghost-3"}),
                            K);
            assertThat(got.get(0).unknownItems()).isEqualTo(1);
            assertThat(got.get(0).itemIds()).containsExactly(got.get(1).itemIds());
            assertThat(got.get(2).itemIds()).isEmpty();
            assertThat(got.get(2).unknownItems()).isEqualTo(2);
            assertThat(engine.unknownHistoryItems()).isEqualTo(3);
        }
    }

    @Test
    void shouldRecommendANewCatalogItemInTheNextCallScoredLikeTheItemWithItsFeatures() {
        try (InferenceEngine engine = engine(model(TrainStage.INDUCTIVE, 10), "v1", true)) {
            String[] history = external(histories(1, 5)).get(0);
            Recommendations before = engine.recommend(List.<String[]>of(history), K).get(0);
            String best = before.itemIds()[0];
            int bestId = Arrays.asList(data.itemTokens()).indexOf(best);
            // a brand-new item with the best item's features is, to an inductive model, that item
            ItemChange change =
                    engine.updateItem(
                            "brand-new",
                            data.textFeatures().row(bestId),
                            data.imageFeatures().row(bestId),
                            LiveItemCatalog.Status.ACTIVE,
                            1L);
            assertThat(change.accepted()).isTrue();
            assertThat(engine.knows("brand-new")).isTrue();
            Recommendations after = engine.recommend(List.<String[]>of(history), K).get(0);
            assertThat(after.itemIds()).contains("brand-new", best);
            int at = Arrays.asList(after.itemIds()).indexOf("brand-new");
            assertThat(after.scores()[at]).isCloseTo(before.scores()[0], within(1e-5f));
            assertThat(engine.catalogSize()).isEqualTo(data.numItems()); // N - PAD + 1

            // the new item works in a history, and can be blocked and deleted like any other
            assertThat(engine.recommend(List.<String[]>of(new String[] {"brand-new"}), K).get(0))
                    .satisfies(r -> assertThat(r.unknownItems()).isZero())
                    .satisfies(r -> assertThat(r.itemIds()).hasSize(K));
            engine.updateItem("brand-new", null, null, LiveItemCatalog.Status.DELETED, 2L);
            assertThat(engine.recommend(List.<String[]>of(history), K).get(0).itemIds())
                    .doesNotContain("brand-new");
            // an update older than the one held is ignored
            engine.updateItem(
                    "brand-new",
                    data.textFeatures().row(bestId),
                    null,
                    LiveItemCatalog.Status.ACTIVE,
                    1L);
            assertThat(engine.recommend(List.<String[]>of(history), K).get(0).itemIds())
                    .doesNotContain("brand-new");
        }
    }

    @Test
    void shouldScoreANewItemInTransductiveModeFromItsFeaturesAlone() {
        try (InferenceEngine engine = engine(model(TrainStage.TRANSDUCTIVE, 12), "v1", true)) {
            String[] history = external(histories(1, 6)).get(0);
            float[] text = data.textFeatures().row(5);
            assertThat(
                            engine.updateItem(
                                            "image-less",
                                            text,
                                            null,
                                            LiveItemCatalog.Status.ACTIVE,
                                            1L)
                                    .accepted())
                    .isTrue();
            // ask for every item: the new one is ranked, with a finite score
            Recommendations all =
                    engine.recommend(List.<String[]>of(history), data.numItems()).get(0);
            int at = Arrays.asList(all.itemIds()).indexOf("image-less");
            assertThat(at).isNotNegative();
            assertThat(all.scores()[at]).isFinite();
            float tau = MissRecConfig.tiny().temperature();
            assertThat(Math.abs(all.scores()[at])).isLessThanOrEqualTo(1f / tau + 1e-4f);
        }
    }

    @Test
    void shouldRefuseItemUpdatesItCannotUse() {
        try (InferenceEngine engine = engine(model(TrainStage.INDUCTIVE, 13), "v1", true)) {
            assertThat(
                            engine.updateItem(
                                    "x", new float[5], null, LiveItemCatalog.Status.ACTIVE, 1L))
                    .satisfies(c -> assertThat(c.accepted()).isFalse())
                    .satisfies(
                            c ->
                                    assertThat(c.reason())
                                            .contains("text embedding has 5 values")
                                            .contains("reads 12"));
            float[] nan = new float[12];
            nan[3] = Float.NaN;
            assertThat(
                            engine.updateItem("y", null, nan, LiveItemCatalog.Status.ACTIVE, 1L)
                                    .reason())
                    .contains("non-finite");
            assertThat(
                            engine.updateItem("z", null, null, LiveItemCatalog.Status.ACTIVE, 1L)
                                    .reason())
                    .contains("neither a text nor an image embedding");
            assertThat(engine.knows("x")).isFalse();
            // a status-only update of a trained item is fine
            assertThat(
                            engine.updateItem(
                                            data.itemTokens()[4],
                                            null,
                                            null,
                                            LiveItemCatalog.Status.BLOCKED,
                                            1L)
                                    .accepted())
                    .isTrue();
            assertThat(engine.catalogSize()).isEqualTo(data.numItems() - 2);
        }
    }

    @Test
    void shouldRefuseAnArtifactWithANonFiniteParameter(@TempDir Path tmp) {
        MissRecModel model = model(TrainStage.INDUCTIVE, 14);
        try (model) {
            NDArray w = model.block().getParameters().valueAt(0).getArray();
            w.set(new NDIndex(0), Float.NaN);
            MissRecArtifact.save(
                    model,
                    data.itemTokens(),
                    tmp.resolve("nan"),
                    new DataDescription("synthetic", 60, data.numItems(), 0, null),
                    Map.of());
        }
        assertThatThrownBy(
                        () ->
                                InferenceEngine.load(
                                        tmp.resolve("nan"),
                                        "v1",
                                        null,
                                        InferenceEngine.Options.defaults(),
                                        new LiveItemCatalog()))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("parameters.bin");
    }

    @Test
    void shouldSwapModelsUnderConcurrentCallersWithoutErrorsOrLeaks() throws Exception {
        // every native array lives under the engine's root manager: count them all
        NDManager root;
        try (NDManager probe = NDManager.newBaseManager()) {
            root = probe.getParentManager();
        }
        int arraysBefore = root.getManagedArrays().size();
        LiveItemCatalog catalog = new LiveItemCatalog();
        InferenceEngine engine =
                InferenceEngine.start(
                        model(TrainStage.INDUCTIVE, 20),
                        data.itemTokens(),
                        "v0",
                        InferenceEngine.Options.defaults(),
                        catalog);
        assertThat(root.getManagedArrays().size()).isGreaterThan(arraysBefore); // counted
        List<String[]> batch = external(histories(16, 7));
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> callsPerVersion = new ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(3);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th =
                    new Thread(
                            () -> {
                                started.countDown();
                                while (!stop.get()) {
                                    try {
                                        List<Recommendations> r = engine.recommend(batch, K);
                                        Set<String> versions = new HashSet<>();
                                        r.forEach(x -> versions.add(x.modelVersion()));
                                        // one call, one version
                                        if (versions.size() != 1) {
                                            errors.add(new AssertionError("mixed " + versions));
                                        }
                                        callsPerVersion
                                                .computeIfAbsent(
                                                        versions.iterator().next(),
                                                        v -> new AtomicInteger())
                                                .incrementAndGet();
                                    } catch (Throwable e) {
                                        errors.add(e);
                                    }
                                }
                            });
            callers.add(th);
            th.start();
        }
        started.await();
        // catalog changes interleave with the swaps: every generation path is exercised
        for (int v = 1; v <= 4; v++) {
            engine.swapModel(model(TrainStage.INDUCTIVE, 20 + v), data.itemTokens(), "v" + v);
            engine.updateItem(
                    "new-" + v,
                    data.textFeatures().row(v),
                    data.imageFeatures().row(v),
                    LiveItemCatalog.Status.ACTIVE,
                    v);
            Thread.sleep(50);
        }
        Thread.sleep(200);
        stop.set(true);
        for (Thread th : callers) {
            th.join(30_000);
        }
        assertThat(errors).isEmpty();
        assertThat(engine.modelVersion()).isEqualTo("v4");
        assertThat(callsPerVersion.keySet())
                .contains("v4")
                .isSubsetOf("v0", "v1", "v2", "v3", "v4");
        // only the current generation is left, held by the engine alone: old models were closed
        assertThat(engine.currentReferences()).isEqualTo(1);
        assertThat(engine.loadedModels()).isEqualTo(1);
        List<Recommendations> last = engine.recommend(List.<String[]>of(batch.get(0)), 200);
        assertThat(last.get(0).itemIds()).contains("new-1", "new-4");
        engine.close();
        assertThat(engine.loadedModels()).isZero();
        assertThat(root.getManagedArrays()).as("native arrays left behind").hasSize(arraysBefore);
        assertThatThrownBy(() -> engine.recommend(batch, K))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldKeepCatalogItemsAcrossAModelSwap() {
        LiveItemCatalog catalog = new LiveItemCatalog();
        try (InferenceEngine engine =
                InferenceEngine.start(
                        model(TrainStage.INDUCTIVE, 30),
                        data.itemTokens(),
                        "v1",
                        InferenceEngine.Options.defaults(),
                        catalog)) {
            engine.updateItem(
                    "late-item",
                    data.textFeatures().row(2),
                    data.imageFeatures().row(2),
                    LiveItemCatalog.Status.ACTIVE,
                    1L);
            engine.setRecommendable(data.itemTokens()[7], false);
            engine.swapModel(model(TrainStage.TRANSDUCTIVE, 31), data.itemTokens(), "v2");
            assertThat(engine.knows("late-item")).isTrue();
            Recommendations all =
                    engine.recommend(List.<String[]>of(new String[] {"late-item"}), data.numItems())
                            .get(0);
            assertThat(all.modelVersion()).isEqualTo("v2");
            assertThat(all.itemIds()).doesNotContain(data.itemTokens()[7], "late-item");
            assertThat(all.itemIds()).hasSize(data.numItems() - 2);
        }
    }
}
