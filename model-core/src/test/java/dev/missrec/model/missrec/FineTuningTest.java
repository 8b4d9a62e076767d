package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FineTuningTest {
    private static final SequenceDataset DATA =
            new SyntheticDatasetGenerator(
                            SyntheticDatasetGenerator.Options.builder()
                                    .optUsers(40)
                                    .optItems(30)
                                    .optTopics(3)
                                    .optFeatureDim(8)
                                    .optSeed(5)
                                    .build())
                    .generate();

    private static long efficientCount(MissRecConfig config, int numItems) {
        MissRecBlock block = new MissRecBlock(config, numItems, 512, 512);
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1), new Shape(1), new Shape(1, 1));
            assertThat(block.trainableParameterCount()).isEqualTo(block.totalParameterCount());
            return FineTuning.freezeBackbone(block);
        }
    }

    @Test
    void shouldLeaveTheReferencesTrainableCountForThePaperPreset() {
        // MISSREC-SPEC.md §2.1: 2 x 153,900 adapters + 600 LayerNorm + 1 beta
        assertThat(efficientCount(MissRecConfig.paper(), 10)).isEqualTo(308_401L);
        assertThat(
                        efficientCount(
                                MissRecConfig.paper().withTrainStage(TrainStage.TRANSDUCTIVE), 10))
                .isEqualTo(308_401L + 300L * 10);
    }

    private static Map<String, float[]> values(MissRecModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        FineTuning.byName(model.block()).forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
        return out;
    }

    @Test
    void frozenParametersShouldStayBitIdenticalAfterAStepAndTrainableOnesMove() {
        Engine.getInstance().setRandomSeed(3);
        try (MissRecModel model =
                MissRecModel.create(
                        MissRecConfig.tiny().withTrainStage(TrainStage.TRANSDUCTIVE),
                        DATA.textFeatures(),
                        DATA.imageFeatures())) {
            model.discoverInterests(new Random(1));
            FineTuning.freezeBackbone(model.block());
            Map<String, float[]> before = values(model);
            // β gets a gradient only once the modalities' cosines differ, so take a few steps
            for (int i = 0; i < 3; i++) {
                model.trainStep(DATA.train().subList(i * 32, i * 32 + 32));
            }
            Map<String, float[]> after = values(model);
            Map<String, Parameter> params = FineTuning.byName(model.block());
            int frozen = 0;
            for (String name : before.keySet()) {
                String owner = name.contains("/") ? name.split("/", 2)[0] : name;
                boolean trainable =
                        FineTuning.TRAINABLE_CHILDREN.contains(owner)
                                || FineTuning.TRAINABLE_PARAMETERS.contains(owner);
                assertThat(params.get(name).requiresGradient()).as(name).isEqualTo(trainable);
                if (trainable) {
                    assertThat(after.get(name)).as(name).isNotEqualTo(before.get(name));
                } else {
                    assertThat(after.get(name)).as(name).containsExactly(before.get(name));
                    frozen++;
                }
            }
            assertThat(frozen).isGreaterThan(10); // position, encoder, decoder and their norms
            assertThat(before)
                    .containsKeys("position_embedding", "fusion_factor", "item_embedding");
        }
    }

    @Test
    void copyWeightsShouldCarrySharedIdRowsAndKeepNewOnesAtTheirInitialisation() {
        MissRecConfig config = MissRecConfig.tiny().withTrainStage(TrainStage.TRANSDUCTIVE);
        Engine.getInstance().setRandomSeed(1);
        try (MissRecModel from =
                        MissRecModel.create(config, DATA.textFeatures(), DATA.imageFeatures());
                MissRecModel to = grown(config, 2)) {
            float[] initTail = tail(to);
            FineTuning.copyWeights(from, to, true);
            Map<String, float[]> a = values(from);
            Map<String, float[]> b = values(to);
            assertThat(b.get("encoder_layer_0/" + firstKey(a, "encoder_layer_0/")))
                    .containsExactly(a.get("encoder_layer_0/" + firstKey(a, "encoder_layer_0/")));
            int n = from.numItems();
            int d = config.hiddenSize();
            float[] ids = b.get("item_embedding");
            assertThat(java.util.Arrays.copyOf(ids, n * d))
                    .containsExactly(a.get("item_embedding"));
            assertThat(tail(to)).containsExactly(initTail);
        }
    }

    private static MissRecModel grown(MissRecConfig config, int extra) {
        int n = DATA.numItems() + extra;
        int p = DATA.textFeatures().dim();
        float[] t = java.util.Arrays.copyOf(DATA.textFeatures().data(), n * p);
        float[] v = java.util.Arrays.copyOf(DATA.imageFeatures().data(), n * p);
        return MissRecModel.create(
                config,
                new dev.missrec.model.data.ItemFeatureTable(n, p, t),
                new dev.missrec.model.data.ItemFeatureTable(n, p, v));
    }

    private static float[] tail(MissRecModel model) {
        float[] ids = values(model).get("item_embedding");
        int d = model.config().hiddenSize();
        return java.util.Arrays.copyOfRange(ids, DATA.numItems() * d, ids.length);
    }

    private static String firstKey(Map<String, float[]> m, String prefix) {
        return m.keySet().stream()
                .filter(k -> k.startsWith(prefix))
                .findFirst()
                .orElseThrow()
                .substring(prefix.length());
    }
}
