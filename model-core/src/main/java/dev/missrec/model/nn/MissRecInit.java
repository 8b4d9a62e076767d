package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;

/**
 * The reference initialisation in one place (MISSREC-SPEC.md §2.1): N(0, 0.02) for linear weights
 * and embeddings, Xavier-uniform over PyTorch's packed {@code in_proj_weight} for Q/K/V, PyTorch's
 * default uniform for the two modality adapters, zeros for biases and the fusion factor, ones and
 * zeros for LayerNorm.
 */
public final class MissRecInit {
    /** {@code initializer_range} of props/MISSRec.yaml (MISSREC-SPEC.md §5). */
    public static final float INITIALIZER_RANGE = 0.02f;

    private MissRecInit() {}

    /** N(0, 0.02): linear weights and embeddings (model_utils.py:59-73). */
    public static Initializer normal() {
        return new NormalInitializer(INITIALIZER_RANGE);
    }

    /**
     * N(0, 0.02) with row 0 zero: an embedding table whose row 0 is the padding item ({@code
     * padding_idx=0}, model_utils.py:65-68).
     */
    public static Initializer normalWithZeroPadRow() {
        return new PaddedNormal();
    }

    /**
     * Xavier-uniform of PyTorch's packed {@code in_proj_weight [3D, D]}: the bound is computed from
     * the packed fan (D + 3D), not per projection, so each of Wq/Wk/Wv gets U(±sqrt(6 / 4D)).
     */
    public static Initializer xavierPackedInProjection(int hidden) {
        return new UniformInitializer((float) Math.sqrt(6.0 / (hidden + 3.0 * hidden)));
    }

    /**
     * PyTorch's default {@code nn.Linear} init, U(±1/sqrt(fanIn)) for weight and bias: the adapters
     * are created after {@code apply(_init_weights)} and keep it (missrec.py:58-62).
     */
    public static Initializer torchLinearDefault(int fanIn) {
        return new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
    }

    private static final class PaddedNormal implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            NDArray a = manager.randomNormal(0f, INITIALIZER_RANGE, shape, dataType);
            a.set(new NDIndex("0"), 0f);
            return a;
        }
    }
}
