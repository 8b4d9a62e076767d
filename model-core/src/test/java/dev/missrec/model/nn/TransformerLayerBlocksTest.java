package dev.missrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/**
 * Post-LN encoder and decoder layers on constant weights: with every weight zero, each sub-layer
 * outputs its last bias, so the layer reduces to LayerNorms of residual sums computed by hand.
 */
class TransformerLayerBlocksTest {

    /** LayerNorm of one vector, unit scale, zero shift. */
    private static double[] ln(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + 1e-12);
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    @Test
    void shouldComputeEncoderLayerAsTwoResidualLayerNormsOfTheSublayerOutputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            PostLnEncoderLayerBlock layer = new PostLnEncoderLayerBlock(4, 2, 8, 0.5f, 1e-12f);
            Shape tok = new Shape(1, 1, 4);
            layer.initialize(m, DataType.FLOAT32, tok, new Shape(1, 1));
            BlockTestSupport.set(layer, "_weight", 0f);
            BlockTestSupport.set(layer, "_bias", 0f);
            // attention output = its out-proj bias a; FFN output = its second bias f
            BlockTestSupport.setExact(
                    layer, "self_attn_04output_bias", m.create(new float[] {1, 0, 0, 0}));
            BlockTestSupport.setExact(
                    layer, "ffn_02linear2_bias", m.create(new float[] {0, 0, 0, 2}));
            NDArray x = m.create(new float[] {1, 2, 3, 4, -1, 0, 1, 5}, new Shape(1, 2, 4));
            NDArray keep = m.create(new boolean[] {true, false}, new Shape(1, 2));
            float[] y =
                    layer.forward(new ParameterStore(m, false), new NDList(x, keep), false)
                            .head()
                            .toFloatArray();
            double[][] tokens = {{1, 2, 3, 4}, {-1, 0, 1, 5}};
            for (int t = 0; t < 2; t++) {
                double[] h = ln(add(tokens[t], new double[] {1, 0, 0, 0}));
                double[] expected = ln(add(h, new double[] {0, 0, 0, 2}));
                for (int i = 0; i < 4; i++) {
                    assertThat((double) y[t * 4 + i]).isCloseTo(expected[i], within(1e-5));
                }
            }
        }
    }

    @Test
    void shouldComputeDecoderLayerAsThreeResidualLayerNorms() {
        try (NDManager m = NDManager.newBaseManager()) {
            PostLnDecoderLayerBlock layer = new PostLnDecoderLayerBlock(4, 2, 8, 0.5f, 1e-12f);
            Shape tok = new Shape(1, 1, 4);
            Shape mask = new Shape(1, 1);
            layer.initialize(m, DataType.FLOAT32, tok, mask, tok, mask);
            BlockTestSupport.set(layer, "_weight", 0f);
            BlockTestSupport.set(layer, "_bias", 0f);
            BlockTestSupport.setExact(
                    layer, "self_attn_04output_bias", m.create(new float[] {1, 0, 0, 0}));
            BlockTestSupport.setExact(
                    layer, "multihead_attn_04output_bias", m.create(new float[] {0, 3, 0, 0}));
            BlockTestSupport.setExact(
                    layer, "ffn_02linear2_bias", m.create(new float[] {0, 0, 0, 2}));
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 4));
            NDArray memory = m.randomNormal(new Shape(1, 3, 4));
            NDArray keep1 = m.create(new boolean[] {true}, new Shape(1, 1));
            NDArray keep3 = m.create(new boolean[] {true, true, false}, new Shape(1, 3));
            float[] y =
                    layer.forward(
                                    new ParameterStore(m, false),
                                    new NDList(x, keep1, memory, keep3),
                                    false)
                            .head()
                            .toFloatArray();
            double[] h = ln(add(new double[] {1, 2, 3, 4}, new double[] {1, 0, 0, 0}));
            h = ln(add(h, new double[] {0, 3, 0, 0}));
            double[] expected = ln(add(h, new double[] {0, 0, 0, 2}));
            for (int i = 0; i < 4; i++) {
                assertThat((double) y[i]).isCloseTo(expected[i], within(1e-5));
            }
        }
    }

    @Test
    void shouldCountTheReferenceParametersOfOneEncoderAndOneDecoderLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape tok = new Shape(1, 1, 300);
            Shape mask = new Shape(1, 1);
            PostLnEncoderLayerBlock enc = new PostLnEncoderLayerBlock(300, 4, 256, 0.5f, 1e-12f);
            enc.initialize(m, DataType.FLOAT32, tok, mask);
            PostLnDecoderLayerBlock dec = new PostLnDecoderLayerBlock(300, 4, 256, 0.5f, 1e-12f);
            dec.initialize(m, DataType.FLOAT32, tok, mask, tok, mask);
            // MISSREC-SPEC.md §2.1: encoder layer 516,556, decoder layer 878,356
            assertThat(count(enc)).isEqualTo(516_556);
            assertThat(count(dec)).isEqualTo(878_356);
        }
    }

    private static long count(ai.djl.nn.Block b) {
        return b.getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    @Test
    void shouldApplyDropoutOnlyInTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            PostLnEncoderLayerBlock layer = new PostLnEncoderLayerBlock(8, 2, 16, 0.5f, 1e-12f);
            layer.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8), new Shape(1, 1));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 5, 8));
            NDArray keep = m.ones(new Shape(2, 5), DataType.BOOLEAN);
            NDArray eval1 = layer.forward(ps, new NDList(x, keep), false).head();
            NDArray eval2 = layer.forward(ps, new NDList(x, keep), false).head();
            NDArray train = layer.forward(ps, new NDList(x, keep), true).head();
            assertThat(eval1.toFloatArray()).containsExactly(eval2.toFloatArray());
            assertThat(train.sub(eval1).abs().max().getFloat()).isGreaterThan(1e-3f);
        }
    }
}
