package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.missrec.model.nn.GradientUnderCollection;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MissRecBlockTest {

    private static MissRecBlock block(NDManager m, MissRecConfig c, int n, int p) {
        MissRecBlock b = new MissRecBlock(c, n, p, p);
        b.setFeatureTables(m.randomNormal(new Shape(n, p)), m.randomNormal(new Shape(n, p)));
        b.initialize(m, DataType.FLOAT32, new Shape(1, 1), new Shape(1), new Shape(1, 1));
        return b;
    }

    @Test
    void shouldHaveTheReferenceParameterCountInInductiveMode() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecBlock b = block(m, MissRecConfig.paper(), 40, 512);
            // MISSREC-SPEC.md §2.1: Trainable parameters 1719513 in the reference logs
            assertThat(b.trainableParameterCount()).isEqualTo(1_719_513L);
            assertThat(b.totalParameterCount()).isEqualTo(1_719_513L);
        }
    }

    @Test
    void shouldAddOneIdEmbeddingRowPerItemInTransductiveMode() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 40;
            MissRecBlock b =
                    block(m, MissRecConfig.paper().withTrainStage(TrainStage.TRANSDUCTIVE), n, 512);
            assertThat(b.trainableParameterCount()).isEqualTo(1_719_513L + 300L * n);
            NDArray ids = b.getParameters().get("item_embedding").getArray();
            // padding row 0 starts at zero (padding_idx = 0), the rest ~ N(0, 0.02)
            assertThat(ids.get("0").abs().sum().getFloat()).isZero();
            assertThat((double) ids.get("1:").square().mean().sqrt().getFloat())
                    .isCloseTo(0.02, within(0.003));
        }
    }

    @Test
    void shouldFuseWithThePlainMeanWhileBetaIsZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecBlock b = block(m, MissRecConfig.tiny(), 3, 4);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray s = m.create(new float[] {1, 0}, new Shape(1, 2));
            // candidate cosines: c_t = (0.5, -1, 0.2), c_v = (0.1, 0.3, 0.2)
            NDArray t = m.create(new float[] {0.5f, 0, -1, 0, 0.2f, 0}, new Shape(3, 2));
            NDArray v = m.create(new float[] {0.1f, 0, 0.3f, 0, 0.2f, 0}, new Shape(3, 2));
            float[] logits = b.logits(ps, s, new NDList(t, v), false).toFloatArray();
            float tau = MissRecConfig.tiny().temperature();
            assertThat(logits)
                    .containsExactly(
                            new float[] {0.3f / tau, -0.35f / tau, 0.2f / tau}, within(1e-4f));
        }
    }

    @Test
    void shouldWeightTheBetterMatchingModalityMoreWhenBetaIsPositive() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecBlock b = block(m, MissRecConfig.tiny(), 2, 4);
            b.getParameters()
                    .get("fusion_factor")
                    .getArray()
                    .set(new ai.djl.ndarray.index.NDIndex(":"), 2f);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray s = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray t = m.create(new float[] {0.5f, 0, 0.5f, 0}, new Shape(2, 2));
            NDArray v = m.create(new float[] {-0.5f, 0, -0.5f, 0}, new Shape(2, 2));
            float[] logits = b.logits(ps, s, new NDList(t, v), false).toFloatArray();
            // softmax(2 * [0.5, -0.5]) = (e / (e + 1/e), ...)
            double wt = Math.exp(1) / (Math.exp(1) + Math.exp(-1));
            double f = wt * 0.5 + (1 - wt) * -0.5;
            assertThat((double) logits[0])
                    .isCloseTo(f / MissRecConfig.tiny().temperature(), within(1e-4));
        }
    }

    @Test
    void shouldAddTheIdTermAsOneThirdInTransductiveMode() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecConfig c =
                    MissRecConfig.tiny().toBuilder()
                            .optTrainStage(TrainStage.TRANSDUCTIVE)
                            .optItemFusion(ItemFusion.STATIC)
                            .build();
            MissRecBlock b = block(m, c, 2, 4);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray s = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray t = m.create(new float[] {0.6f, 0, 0, 0}, new Shape(2, 2));
            NDArray v = m.create(new float[] {0.0f, 0, 0, 0}, new Shape(2, 2));
            NDArray id = m.create(new float[] {0.9f, 0, 0, 0}, new Shape(2, 2));
            float[] logits = b.logits(ps, s, new NDList(t, v, id), false).toFloatArray();
            // f = (0.6 + 0) / 2 = 0.3 ; (0.9 + 2 * 0.3) / 3 = 0.5
            assertThat(logits[0]).isCloseTo(0.5f / c.temperature(), within(1e-4f));
            assertThat(logits[1]).isCloseTo(0f, within(1e-6f));
        }
    }

    @Test
    void shouldComputeCrossEntropyOverAllItemsPlusTheWeightedRegulariser() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecConfig c = MissRecConfig.tiny().toBuilder().optGamma(0.5f).build();
            MissRecBlock b = block(m, c, 3, 4);
            NDArray logits = m.create(new float[] {1, 2, 3, 0, 0, 5}, new Shape(2, 3));
            NDArray targets = m.create(new long[] {2, 0});
            float loss = b.loss(logits, m.create(4f), targets).getFloat();
            double lse1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
            double lse2 = Math.log(2 + Math.exp(5));
            double ce = ((lse1 - 3) + (lse2 - 0)) / 2;
            assertThat((double) loss).isCloseTo(ce + 0.5 * 4, within(1e-5));
        }
    }

    @Test
    void shouldGiveTheSameSequenceEmbeddingWhateverTheBatchPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecConfig c = MissRecConfig.tiny();
            int n = 12;
            MissRecBlock b = block(m, c, n, 8);
            ParameterStore ps = new ParameterStore(m, false);
            b.setInterestEmbeddings(m.randomNormal(new Shape(6, c.hiddenSize())));
            NDList adapted = b.adaptItems(ps, false);
            // history (3, 5) alone: width 2, interests {0, 1, 4}
            NDArray s1 =
                    b.encode(
                                    ps,
                                    m.create(new long[] {3, 5}, new Shape(1, 2)),
                                    m.create(new long[] {2}),
                                    m.create(new long[] {0, 1, 4}, new Shape(1, 3)),
                                    adapted,
                                    false)
                            .head();
            // the same history next to a longer one: padded to width 4, interests padded to 5
            NDArray s2 =
                    b.encode(
                                    ps,
                                    m.create(new long[] {3, 5, 0, 0, 1, 2, 3, 4}, new Shape(2, 4)),
                                    m.create(new long[] {2, 4}),
                                    m.create(
                                            new long[] {0, 1, 4, 0, 0, 0, 1, 2, 3, 5},
                                            new Shape(2, 5)),
                                    adapted,
                                    false)
                            .head();
            assertThat(s2.get("0").toFloatArray())
                    .containsExactly(s1.get("0").toFloatArray(), within(1e-5f));
            // and it is L2-normalised
            assertThat(s1.norm().getFloat()).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void shouldProduceLogitsForEveryItemFromTheFullForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            MissRecConfig c = MissRecConfig.tiny().withTrainStage(TrainStage.TRANSDUCTIVE);
            MissRecBlock b = block(m, c, 9, 8);
            b.setInterestEmbeddings(m.randomNormal(new Shape(4, c.hiddenSize())));
            NDList out =
                    b.forward(
                            new ParameterStore(m, false),
                            new NDList(
                                    m.create(new long[] {1, 2, 3, 4, 0, 0}, new Shape(2, 3)),
                                    m.create(new long[] {3, 1}),
                                    m.create(new long[] {0, 1, 2, 0, 3, 0}, new Shape(2, 3))),
                            true);
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 9));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape());
            assertThat(out.get(1).getFloat()).isGreaterThan(0f);
            // cosines are in [-1, 1], so |logits| <= 1 / tau
            assertThat(out.get(0).abs().max().getFloat())
                    .isLessThanOrEqualTo(1f / c.temperature() + 1e-4f);
        }
    }

    @Test
    void shouldGiveTheSameGradientsWhateverTheGarbageCollector() {
        for (TrainStage stage : new TrainStage[] {TrainStage.INDUCTIVE, TrainStage.TRANSDUCTIVE}) {
            MissRecConfig c = MissRecConfig.tiny().withTrainStage(stage);
            Map<String, float[]>[] runs = new Map[2];
            for (int i = 0; i < 2; i++) {
                runs[i] =
                        GradientUnderCollection.gradients(
                                11,
                                m -> {
                                    MissRecBlock b = block(m, c, 9, 8);
                                    b.setInterestEmbeddings(
                                            m.randomNormal(new Shape(4, c.hiddenSize())));
                                    return b;
                                },
                                (b, m) -> {
                                    MissRecBlock mb = (MissRecBlock) b;
                                    NDList out =
                                            mb.forward(
                                                    new ParameterStore(m, false),
                                                    new NDList(
                                                            m.create(
                                                                    new long[] {1, 2, 3, 4, 0, 0},
                                                                    new Shape(2, 3)),
                                                            m.create(new long[] {3, 1}),
                                                            m.create(
                                                                    new long[] {0, 1, 2, 0, 3, 0},
                                                                    new Shape(2, 3))),
                                                    true);
                                    return mb.loss(
                                            out.get(0), out.get(1), m.create(new long[] {5, 7}));
                                },
                                i == 1);
            }
            GradientUnderCollection.assertSameGradients(runs[0], runs[1]);
        }
    }
}
