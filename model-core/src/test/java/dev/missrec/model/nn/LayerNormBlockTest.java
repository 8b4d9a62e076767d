package dev.missrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class LayerNormBlockTest {

    @Test
    void shouldNormaliseEachTokenOverTheLastAxisOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            LayerNormBlock ln = new LayerNormBlock(4, 1e-12f);
            ln.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4));
            // two tokens with different scales: each normalised on its own
            NDArray x = m.create(new float[] {1, 2, 3, 4, 10, 10, 10, 14}, new Shape(1, 2, 4));
            float[] y = ln.apply(new ParameterStore(m, false), x, false).toFloatArray();
            // token 1: mean 2.5, variance 1.25 -> (x - 2.5) / sqrt(1.25)
            double s1 = Math.sqrt(1.25);
            // token 2: mean 11, variance 3 -> (x - 11) / sqrt(3)
            double s2 = Math.sqrt(3);
            double[] expected = {
                -1.5 / s1, -0.5 / s1, 0.5 / s1, 1.5 / s1, -1 / s2, -1 / s2, -1 / s2, 3 / s2
            };
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) y[i]).isCloseTo(expected[i], within(1e-5));
            }
        }
    }

    @Test
    void shouldStartWithUnitScaleAndZeroShift() {
        try (NDManager m = NDManager.newBaseManager()) {
            LayerNormBlock ln = new LayerNormBlock(3, 1e-12f);
            ln.initialize(m, DataType.FLOAT32, new Shape(1, 1, 3));
            assertThat(ln.getParameters().get("gamma").getArray().toFloatArray())
                    .containsExactly(1f, 1f, 1f);
            assertThat(ln.getParameters().get("beta").getArray().toFloatArray())
                    .containsExactly(0f, 0f, 0f);
        }
    }
}
