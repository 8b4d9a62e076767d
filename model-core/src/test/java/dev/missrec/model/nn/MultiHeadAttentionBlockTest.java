package dev.missrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class MultiHeadAttentionBlockTest {

    private static MultiHeadAttentionBlock identityValueBlock(NDManager m, int d, int heads) {
        MultiHeadAttentionBlock mha = new MultiHeadAttentionBlock(d, heads, 0.5f);
        Shape tok = new Shape(1, 1, d);
        mha.initialize(m, DataType.FLOAT32, tok, tok, new Shape(1, 1));
        // Wq = Wk = 0: every score is equal, so attention is the plain mean over kept keys;
        // Wv = Wo = I and zero biases: the output is that mean of the raw key vectors.
        BlockTestSupport.set(mha, "query_weight", 0f);
        BlockTestSupport.set(mha, "key_weight", 0f);
        BlockTestSupport.set(mha, "_bias", 0f);
        BlockTestSupport.setExact(mha, "value_weight", m.eye(d));
        BlockTestSupport.setExact(mha, "output_weight", m.eye(d));
        return mha;
    }

    @Test
    void shouldAverageOnlyTheKeptKeysWhenScoresAreEqual() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadAttentionBlock mha = identityValueBlock(m, 4, 2);
            NDArray q = m.ones(new Shape(1, 1, 4));
            NDArray kv =
                    m.create(
                            new float[] {1, 2, 3, 4, 5, 6, 7, 8, 100, 100, 100, 100},
                            new Shape(1, 3, 4));
            NDArray keep = m.create(new boolean[] {true, true, false}, new Shape(1, 3));
            float[] y =
                    mha.forward(new ParameterStore(m, false), new NDList(q, kv, keep), false)
                            .head()
                            .toFloatArray();
            // mean of the first two keys; the masked third (100s) has weight 0
            assertThat(y).containsExactly(new float[] {3, 4, 5, 6}, within(1e-5f));
        }
    }

    @Test
    void shouldGiveMaskedKeysZeroWeightWhateverTheirValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadAttentionBlock mha = new MultiHeadAttentionBlock(8, 2, 0.5f);
            Shape tok = new Shape(1, 1, 8);
            mha.initialize(m, DataType.FLOAT32, tok, tok, new Shape(1, 1));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray q = m.randomNormal(new Shape(2, 3, 8));
            NDArray kv = m.randomNormal(new Shape(2, 4, 8));
            NDArray keep =
                    m.create(
                            new boolean[] {true, true, false, false, true, true, true, false},
                            new Shape(2, 4));
            float[] y1 = mha.forward(ps, new NDList(q, kv, keep), false).head().toFloatArray();
            // change only the masked keys: the output must not move
            NDArray kv2 = kv.duplicate();
            kv2.set(new ai.djl.ndarray.index.NDIndex("0, 2:"), 50f);
            kv2.set(new ai.djl.ndarray.index.NDIndex("1, 3"), -50f);
            float[] y2 = mha.forward(ps, new NDList(q, kv2, keep), false).head().toFloatArray();
            assertThat(y2).containsExactly(y1, within(1e-5f));
        }
    }

    @Test
    void shouldFollowTheAttentionMaskForCausalSelfAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadAttentionBlock mha = identityValueBlock(m, 2, 1);
            NDArray x = m.create(new float[] {2, 0, 4, 2, 6, 4}, new Shape(1, 3, 2));
            NDArray keep = m.ones(new Shape(1, 3), DataType.BOOLEAN);
            NDArray causal = m.create(new float[] {1, 0, 0, 1, 1, 0, 1, 1, 1}, new Shape(3, 3));
            float[] y =
                    mha.forward(new ParameterStore(m, false), new NDList(x, x, keep, causal), false)
                            .head()
                            .toFloatArray();
            // position t averages positions 0..t
            assertThat(y).containsExactly(new float[] {2, 0, 3, 1, 4, 2}, within(1e-5f));
        }
    }

    @Test
    void shouldInitialiseQkvWithThePackedXavierBoundAndTheOutputWithSmallNormals() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadAttentionBlock mha = new MultiHeadAttentionBlock(300, 4, 0.5f);
            Shape tok = new Shape(1, 1, 300);
            mha.initialize(m, DataType.FLOAT32, tok, tok, new Shape(1, 1));
            double bound = Math.sqrt(6.0 / 1200.0); // xavier over PyTorch's packed [900, 300]
            for (Pair<String, Parameter> p : mha.getParameters()) {
                NDArray a = p.getValue().getArray();
                if (p.getKey().endsWith("bias")) {
                    assertThat(a.abs().max().getFloat()).isZero();
                } else if (p.getKey().contains("output")) {
                    assertThat((double) a.square().mean().sqrt().getFloat())
                            .isCloseTo(0.02, within(0.002));
                } else {
                    // the bound as a float32 (the uniform's range) may round up past the double
                    assertThat((double) a.abs().max().getFloat())
                            .isLessThanOrEqualTo((double) (float) bound)
                            .isGreaterThan(bound * 0.99);
                }
            }
        }
    }

    @Test
    void shouldRefuseAHiddenSizeThatHeadsDoNotDivide() {
        assertThatThrownBy(() -> new MultiHeadAttentionBlock(10, 3, 0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not divisible");
    }
}
