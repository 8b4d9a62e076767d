package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The position-wise feed-forward part of a PyTorch Transformer layer: {@code W2 · Drop(GELU(W1·x +
 * b1)) + b2}, exact erf GELU, N(0, 0.02) weights and zero biases (MISSREC-SPEC.md §2.1, §2.2 step
 * 4). Input and output {@code (..., D)}.
 */
public final class FeedForwardBlock extends AbstractBlock {
    private final int hidden;
    private final float dropout;
    private final Linear inner;
    private final Linear outer;

    /**
     * @param hidden D
     * @param innerSize the FFN width ({@code inner_size}, 256 in the reference)
     * @param dropout dropout after the activation
     */
    public FeedForwardBlock(int hidden, int innerSize, float dropout) {
        this.hidden = hidden;
        this.dropout = dropout;
        inner = addChildBlock("linear1", linear(innerSize));
        outer = addChildBlock("linear2", linear(hidden));
    }

    private static Linear linear(int units) {
        Linear l = Linear.builder().setUnits(units).build();
        l.setInitializer(MissRecInit.normal(), Parameter.Type.WEIGHT);
        l.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return l;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = inner.forward(ps, new NDList(inputs.head()), training).head();
        h = Dropout.dropout(Activation.gelu(h), dropout, training).head();
        return outer.forward(ps, new NDList(h), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        inner.initialize(manager, dataType, new Shape(1, hidden));
        outer.initialize(
                manager, dataType, inner.getOutputShapes(new Shape[] {new Shape(1, hidden)}));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
