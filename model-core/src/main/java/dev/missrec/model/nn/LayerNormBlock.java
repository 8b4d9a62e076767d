package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * LayerNorm over the last axis only, as PyTorch's {@code nn.LayerNorm(D, eps)}: weight ones, bias
 * zeros (MISSREC-SPEC.md §2.1).
 *
 * <p>Written instead of DJL's {@code LayerNorm} because that one derives the normalised shape from
 * the shape it was initialised with (all non-batch axes by default), so a (B, L, D) input would be
 * normalised over L and D together; here the normalised shape is fixed to (D) at construction and
 * survives a parameter reload.
 */
public final class LayerNormBlock extends AbstractBlock {
    private final int hidden;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;

    /**
     * @param hidden D, the size of the normalised last axis
     * @param epsilon added to the variance ({@code layer_norm_eps}, 1e-12 in the reference)
     */
    public LayerNormBlock(int hidden, float epsilon) {
        this.hidden = hidden;
        this.epsilon = epsilon;
        gamma =
                addParameter(
                        Parameter.builder()
                                .setName("gamma")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(hidden))
                                .optInitializer(Initializer.ONES)
                                .build());
        beta =
                addParameter(
                        Parameter.builder()
                                .setName("beta")
                                .setType(Parameter.Type.BETA)
                                .optShape(new Shape(hidden))
                                .optInitializer(Initializer.ZEROS)
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        return LayerNorm.layerNorm(
                x,
                new Shape(hidden),
                ps.getValue(gamma, x.getDevice(), training),
                ps.getValue(beta, x.getDevice(), training),
                epsilon);
    }

    /** Normalises {@code x} (..., D) over its last axis. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return forward(ps, new NDList(x), training).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
