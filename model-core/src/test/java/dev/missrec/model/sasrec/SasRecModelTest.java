package dev.missrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.ArtifactReader;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.SequenceScorer;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.nn.GradientUnderCollection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SasRecModelTest {

    /** One tiny model trained once for the whole class: 4 epochs on the chain data. */
    private static SequenceDataset data;

    private static SasRecModel trained;

    @TempDir Path tmp;

    @BeforeAll
    static void trainOnce() {
        data = ChainDataset.standard(1);
        trained = new SasRecTrainer().train(data, tiny(4, 4));
    }

    @AfterAll
    static void closeModel() {
        trained.close();
    }

    private static TrainSettings tiny(int epochs, int patience) {
        return new TrainSettings("tiny", 7, epochs, patience, false);
    }

    @Test
    void shouldNotLetAPositionSeeLaterItems() {
        for (SasRecConfig.NormPlacement norm : SasRecConfig.NormPlacement.values()) {
            SasRecConfig cfg =
                    SasRecConfig.tiny().toBuilder().optNorm(norm).optNumBlocks(2).build();
            try (Model model = Model.newInstance("causal", "PyTorch");
                    NDManager m = NDManager.newBaseManager()) {
                Engine.getEngine("PyTorch").setRandomSeed(3);
                SasRecBlock block = new SasRecBlock(cfg, 40);
                model.setBlock(block);
                block.initialize(model.getNDManager(), DataType.FLOAT32, block.initShapes());
                float[] a = hidden(block, m, new int[] {3, 5, 7, 9, 11});
                float[] b = hidden(block, m, new int[] {3, 5, 7, 20, 30});
                int d = cfg.hiddenSize();
                for (int t = 0; t < 5; t++) {
                    float diff = 0;
                    for (int j = 0; j < d; j++) {
                        diff = Math.max(diff, Math.abs(a[t * d + j] - b[t * d + j]));
                    }
                    if (t < 3) {
                        assertThat(diff).as(norm + " position " + t).isLessThan(1e-5f);
                    } else {
                        // the items differ from here on, so the outputs must too
                        assertThat(diff).as(norm + " position " + t).isGreaterThan(1e-3f);
                    }
                }
            }
        }
    }

    @Test
    void shouldScoreARightPaddedHistoryAsIfItWereAlone() {
        SasRecModel model = trained;
        int[] shortOne = {3, 4, 5};
        int[] longOne = {10, 11, 12, 13, 14, 15, 16, 17};
        float[] alone = model.score(List.of(shortOne))[0];
        float[] padded = model.score(List.of(longOne, shortOne))[1];
        assertThat(padded).hasSize(model.numItems());
        for (int i = 0; i < alone.length; i++) {
            assertThat(padded[i]).isCloseTo(alone[i], within(1e-4f));
        }
        // and the scores do depend on the history
        assertThat(model.score(List.of(longOne))[0]).isNotEqualTo(alone);
    }

    @Test
    void shouldKeepOnlyTheLastMaxLengthItemsOfALongHistory() {
        SasRecModel model = trained;
        int maxLen = model.config().maxLength();
        int[] longer = new int[maxLen + 5];
        for (int i = 0; i < longer.length; i++) {
            longer[i] = 1 + (i * 7) % (model.numItems() - 1);
        }
        int[] tail = java.util.Arrays.copyOfRange(longer, 5, longer.length);
        assertThat(model.score(List.of(longer))[0]).containsExactly(model.score(List.of(tail))[0]);
    }

    @Test
    void shouldLowerTheTrainingLossOnSyntheticData() {
        List<SasRecModel.EpochLog> log = trained.trainingLog();
        assertThat(log).hasSize(4);
        double first = log.get(0).trainLoss();
        double last = log.get(log.size() - 1).trainLoss();
        // an untrained model is near ln(N) = ln(61) = 4.11
        assertThat(first).isGreaterThan(2.0);
        assertThat(last).isLessThan(0.7 * first);
    }

    @Test
    void shouldBeatMostPopularOnLearnableSequences() {
        SasRecModel model = trained;
        RankingMetrics sasrec = RankingEvaluator.evaluate(model, data.test(), 128);
        RankingMetrics pop = RankingEvaluator.evaluate(popularity(data), data.test(), 128);
        assertThat(model.bestEpoch()).isBetween(1, 4);
        assertThat(sasrec.ndcg10()).isGreaterThan(0.4);
        assertThat(sasrec.ndcg10()).isGreaterThan(2 * pop.ndcg10());
    }

    @Test
    void shouldScoreIdenticallyAfterSaveAndLoad() {
        Path dir = tmp.resolve("sasrec-v1");
        List<int[]> histories = data.valid().stream().map(SequenceExample::history).toList();
        SasRecModel model = trained;
        float[][] before = model.score(histories);
        model.save(
                dir,
                DataDescription.of("chains", 200, 60, 2000),
                Map.of("valid.ndcg@10", 0.5),
                null);
        try (SasRecModel loaded = SasRecModel.load(dir)) {
            float[][] after = loaded.score(histories);
            for (int r = 0; r < before.length; r++) {
                assertThat(after[r]).containsExactly(before[r]);
            }
            assertThat(loaded.config()).isEqualTo(model.config());
            assertThat(loaded.itemToken(5)).isEqualTo("item5");
            assertThat(loaded.totalParameters()).isEqualTo(model.totalParameters());
        }
        ArtifactReader r = ArtifactReader.open(dir);
        assertThat(r.modelKind()).isEqualTo("sasrec");
        assertThat(r.fileNames()).containsExactly("config.json", "items.tsv", "parameters.bin");
        assertThat(r.manifest().metrics()).containsEntry("valid.ndcg@10", 0.5);
    }

    @Test
    void shouldRefuseACorruptedParameterFileOnLoad() throws IOException {
        Path dir = tmp.resolve("sasrec-v1");
        trained.save(dir, DataDescription.of("chains", 200, 60, 2000), Map.of(), null);
        Path params = dir.resolve("parameters.bin");
        byte[] b = Files.readAllBytes(params);
        b[b.length - 3] ^= 0x40;
        Files.write(params, b);
        assertThatThrownBy(() -> SasRecModel.load(dir))
                .isInstanceOfSatisfying(
                        ArtifactException.class,
                        e -> {
                            assertThat(e.problem())
                                    .isEqualTo(ArtifactException.Problem.CHECKSUM_MISMATCH);
                            assertThat(e.fileName()).isEqualTo("parameters.bin");
                        })
                .hasMessageContaining("parameters.bin is corrupted");
    }

    @Test
    void shouldRefuseAnArtifactOfAnotherKind() {
        Path dir = tmp.resolve("other");
        try (var w = dev.missrec.model.artifact.ArtifactWriter.create("missrec", tmp)) {
            w.setConfig(Map.of("x", 1)).setData(DataDescription.of("d", 1, 1, 1)).commit(dir);
        }
        assertThatThrownBy(() -> SasRecModel.load(dir))
                .isInstanceOfSatisfying(
                        ArtifactException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(ArtifactException.Problem.WRONG_KIND))
                .hasMessageContaining("'missrec' model, expected 'sasrec'");
    }

    @Test
    void shouldReproduceTheSameTrainingWithTheSameSeed() {
        SequenceDataset small = ChainDataset.generate(60, 3, 8, 8, 0.9, 5);
        try (SasRecModel a = new SasRecTrainer().train(small, tiny(1, 1));
                SasRecModel b = new SasRecTrainer().train(small, tiny(1, 1))) {
            assertThat(b.trainingLog().get(0).trainLoss())
                    .isEqualTo(a.trainingLog().get(0).trainLoss());
            List<int[]> h = List.of(small.valid().get(0).history());
            assertThat(b.score(h)[0]).containsExactly(a.score(h)[0]);
        }
    }

    @Test
    void shouldRefuseUnknownItemIdsNamingThem() {
        SasRecModel model = trained;
        int n = model.numItems();
        assertThatThrownBy(() -> model.score(List.of(new int[] {1, n})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item id " + n + " outside 1.." + (n - 1));
        assertThatThrownBy(() -> model.score(List.of(new int[] {0})))
                .hasMessageContaining("item id 0");
    }

    @Test
    void shouldCountEveryParameter() {
        SasRecModel model = trained;
        SasRecConfig c = model.config();
        long d = c.hiddenSize();
        long inner = c.innerSize();
        long perBlock = 4 * (d * d + d) + 2 * d + (d * inner + inner) + (inner * d + d) + 2 * d;
        long expected = model.numItems() * d + c.maxLength() * d + 2 * d + c.numBlocks() * perBlock;
        assertThat(model.totalParameters()).isEqualTo(expected);
        assertThat(model.trainableParameters()).isEqualTo(expected);
    }

    @Test
    void shouldRefuseInvalidConfigs() {
        assertThatThrownBy(() -> SasRecConfig.tiny().toBuilder().optNumHeads(3).build())
                .hasMessageContaining("numHeads 3 does not divide hiddenSize 16");
        assertThatThrownBy(() -> SasRecConfig.tiny().toBuilder().optDropout(1f).build())
                .hasMessageContaining("dropout");
        assertThatThrownBy(() -> SasRecConfig.parsePreset("huge"))
                .hasMessageContaining("unknown SASRec preset 'huge'");
        assertThat(SasRecConfig.parsePreset("Paper")).isEqualTo(SasRecConfig.Preset.PAPER);
    }

    @Test
    void shouldLeaveNoNativeArraysBehindWhenScoring() throws ReflectiveOperationException {
        List<int[]> histories = data.valid().stream().map(SequenceExample::history).toList();
        trained.score(histories);
        int before = managedResources(trained.manager());
        for (int i = 0; i < 20; i++) {
            trained.score(histories);
        }
        assertThat(managedResources(trained.manager())).isEqualTo(before);
    }

    @Test
    void shouldRefuseToLoadAgainstADatasetWithOtherItems() {
        Path dir = tmp.resolve("sasrec-v1");
        trained.save(dir, DataDescription.of("chains", 200, 60, 2000), Map.of(), null);
        SasRecArtifacts artifacts = new SasRecArtifacts();
        try (var same = artifacts.load(dir, data)) {
            assertThat(same.score(List.of(new int[] {1, 2}))[0]).hasSize(data.numItems());
        }
        SequenceDataset bigger = ChainDataset.generate(20, 7, 10, 10, 0.9, 1);
        assertThatThrownBy(() -> artifacts.load(dir, bigger))
                .isInstanceOfSatisfying(
                        ArtifactException.class,
                        e -> assertThat(e.fileName()).isEqualTo("items.tsv"))
                .hasMessageContaining("61 items (PAD included), dataset chains has 71");
        String[] renamed = data.itemTokens().clone();
        renamed[7] = "other7";
        SequenceDataset relabelled =
                new SequenceDataset(
                        "relabelled",
                        data.numUsers(),
                        renamed,
                        null,
                        null,
                        null,
                        data.train(),
                        data.valid(),
                        data.test());
        assertThatThrownBy(() -> artifacts.load(dir, relabelled))
                .hasMessageContaining(
                        "maps internal id 7 to 'item7', dataset relabelled to 'other7'");
    }

    @Test
    void shouldDetectAndClearNonFiniteGradientsSoABadBatchCanBeSkipped() {
        try (Model model = Model.newInstance("guard", "PyTorch")) {
            SasRecBlock block = new SasRecBlock(SasRecConfig.tiny(), 10);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, block.initShapes());
            try (NDManager bm = model.getNDManager().newSubManager()) {
                NDList in = SasRecBatch.inputs(bm, List.of(new int[] {1, 2, 3}), 20, 10);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray logits =
                            block.forward(new ParameterStore(bm, false), in, true)
                                    .singletonOrThrow();
                    gc.backward(logits.sum().mul(Float.NaN));
                }
                assertThat(SasRecTrainer.gradientsFinite(block, bm)).isFalse();
                SasRecTrainer.zeroGradients(block, bm);
                // the cleared gradients must live in libtorch's memory, not in a Java buffer that
                // the garbage collector may free (which PyTorch's NDArray.set(Buffer) would do)
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    bm.create(new float[1 << 20]).close();
                }
                assertThat(SasRecTrainer.gradientsFinite(block, bm)).isTrue();
                NDArray g = block.getParameters().get("item_embedding").getArray().getGradient();
                g.attach(bm);
                assertThat(g.abs().sum().getFloat()).isZero();
            }
        }
    }

    /** Arrays and sub-managers attached to a DJL manager (a protected field, read for the test). */
    private static int managedResources(NDManager manager) throws ReflectiveOperationException {
        java.lang.reflect.Field f =
                ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(manager)).size();
    }

    private static float[] hidden(SasRecBlock block, NDManager m, int[] history) {
        try (NDManager sub = m.newSubManager()) {
            NDList in = SasRecBatch.inputs(sub, List.of(history), 20, block.numItems());
            NDArray h = block.encode(new ParameterStore(sub, false), in.get(0), in.get(2), false);
            return h.toFloatArray();
        }
    }

    private static SequenceScorer popularity(SequenceDataset data) {
        float[] counts = new float[data.numItems()];
        for (SequenceExample c : data.train()) {
            counts[c.target()]++;
        }
        return new SequenceScorer() {
            @Override
            public String name() {
                return "pop";
            }

            @Override
            public float[][] score(List<int[]> histories) {
                List<float[]> rows = new ArrayList<>();
                for (int i = 0; i < histories.size(); i++) {
                    rows.add(counts.clone());
                }
                return rows.toArray(new float[0][]);
            }
        };
    }

    @Test
    void shouldGiveTheSameGradientsWhateverTheGarbageCollector() {
        Map<String, float[]>[] runs = new Map[2];
        for (int i = 0; i < 2; i++) {
            runs[i] =
                    GradientUnderCollection.gradients(
                            3,
                            m -> {
                                SasRecBlock block = new SasRecBlock(SasRecConfig.tiny(), 10);
                                block.initialize(m, DataType.FLOAT32, block.initShapes());
                                return block;
                            },
                            (b, m) -> {
                                NDList in =
                                        SasRecBatch.inputs(
                                                m,
                                                List.of(new int[] {1, 2, 3}, new int[] {4, 5}),
                                                20,
                                                10);
                                NDArray logits =
                                        b.forward(new ParameterStore(m, false), in, true)
                                                .singletonOrThrow();
                                return logits.logSoftmax(1).get(":, 6").neg().sum();
                            },
                            i == 1);
        }
        GradientUnderCollection.assertSameGradients(runs[0], runs[1]);
    }
}
