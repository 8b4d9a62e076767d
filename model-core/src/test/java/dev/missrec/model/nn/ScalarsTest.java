package dev.missrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    @Test
    void shouldMultiplyAndDivideByAConstant() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, -2, 4});
            assertThat(Scalars.times(x, 2.5).toFloatArray()).containsExactly(2.5f, -5f, 10f);
            assertThat(Scalars.dividedBy(x, 4).toFloatArray()).containsExactly(0.25f, -0.5f, 1f);
            assertThat(Scalars.times(x, 3).getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }

    @Test
    void shouldKeepTheGradientRightWhenACollectionRunsBeforeTheBackwardPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4});
            x.setRequiresGradient(true);
            for (int round = 1; round <= 20; round++) {
                List<ByteBuffer> poison;
                try (NDManager batch = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // d/dx sum(x * 3 / 2) = 1.5
                    NDArray y = Scalars.dividedBy(Scalars.times(x, 3), 2);
                    y.attach(batch);
                    NDArray loss = y.sum();
                    poison = GradientUnderCollection.collectAndPoison();
                    gc.backward(loss);
                }
                try (NDArray g = x.getGradient()) {
                    // PyTorch accumulates: after n rounds the gradient is n * 1.5
                    assertThat(g.toFloatArray()).as("round %d", round).containsOnly(1.5f * round);
                }
                Reference.reachabilityFence(poison); // allocated until the gradient was read
            }
        }
    }

    @Test
    void shouldGiveAttentionTheSameGradientsWhateverTheGarbageCollector() {
        Shape tok = new Shape(1, 1, 8);
        Map<String, float[]>[] runs = new Map[2];
        for (int i = 0; i < 2; i++) {
            runs[i] =
                    GradientUnderCollection.gradients(
                            7,
                            m -> {
                                MultiHeadAttentionBlock mha = new MultiHeadAttentionBlock(8, 2, 0f);
                                mha.initialize(m, DataType.FLOAT32, tok, tok, new Shape(1, 1));
                                return mha;
                            },
                            (b, m) -> {
                                NDArray q = m.randomNormal(new Shape(2, 3, 8));
                                NDArray keep = m.ones(new Shape(2, 3), DataType.BOOLEAN);
                                return b.forward(
                                                new ParameterStore(m, false),
                                                new NDList(q, q, keep),
                                                true)
                                        .head()
                                        .square()
                                        .sum();
                            },
                            i == 1);
        }
        GradientUnderCollection.assertSameGradients(runs[0], runs[1]);
    }
}
