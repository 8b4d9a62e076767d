package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One post-LayerNorm Transformer encoder layer, PyTorch's {@code nn.TransformerEncoderLayer} with
 * {@code norm_first=False, activation='gelu'} (MISSREC-SPEC.md §2.2 step 4):
 *
 * <pre>
 * x = LN1(x + Drop(MHA(x, x, x; keyMask)))
 * x = LN2(x + Drop(FFN(x)))
 * </pre>
 *
 * <p>Inputs {@code [x (B, T, D), keyMask (B, T)]} with 1 = keep; output {@code (B, T, D)}. DJL's
 * own {@code TransformerEncoderBlock} is not used: it normalises with BatchNorm and adds the block
 * input in its second residual (§7.2).
 */
public final class PostLnEncoderLayerBlock extends AbstractBlock {
    private final int hidden;
    private final float dropout;
    private final MultiHeadAttentionBlock selfAttention;
    private final FeedForwardBlock feedForward;
    private final LayerNormBlock norm1;
    private final LayerNormBlock norm2;

    /**
     * @param hidden D
     * @param heads attention heads
     * @param innerSize FFN width
     * @param dropout the one dropout rate used for attention, residuals and the FFN
     * @param layerNormEps LayerNorm epsilon
     */
    public PostLnEncoderLayerBlock(
            int hidden, int heads, int innerSize, float dropout, float layerNormEps) {
        this.hidden = hidden;
        this.dropout = dropout;
        selfAttention =
                addChildBlock("self_attn", new MultiHeadAttentionBlock(hidden, heads, dropout));
        feedForward = addChildBlock("ffn", new FeedForwardBlock(hidden, innerSize, dropout));
        norm1 = addChildBlock("norm1", new LayerNormBlock(hidden, layerNormEps));
        norm2 = addChildBlock("norm2", new LayerNormBlock(hidden, layerNormEps));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray keyMask = inputs.get(1);
        NDArray a = selfAttention.forward(ps, new NDList(x, x, keyMask), training).head();
        x = norm1.apply(ps, x.add(Dropout.dropout(a, dropout, training).head()), training);
        NDArray f = feedForward.forward(ps, new NDList(x), training).head();
        x = norm2.apply(ps, x.add(Dropout.dropout(f, dropout, training).head()), training);
        return new NDList(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        Shape tokens = new Shape(1, 1, hidden);
        selfAttention.initialize(manager, dataType, tokens, tokens, new Shape(1, 1));
        feedForward.initialize(manager, dataType, tokens);
        norm1.initialize(manager, dataType, tokens);
        norm2.initialize(manager, dataType, tokens);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
