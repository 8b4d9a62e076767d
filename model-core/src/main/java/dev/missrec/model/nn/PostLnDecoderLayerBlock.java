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
 * One post-LayerNorm Transformer decoder layer, PyTorch's {@code nn.TransformerDecoderLayer} with
 * {@code norm_first=False, activation='gelu'} (MISSREC-SPEC.md §2.2 step 6):
 *
 * <pre>
 * x = LN1(x + Drop(SelfMHA(x; targetMask [, attentionMask])))
 * x = LN2(x + Drop(CrossMHA(q = x, k = v = memory; memoryMask)))
 * x = LN3(x + Drop(FFN(x)))
 * </pre>
 *
 * <p>Inputs {@code [x (B, L, D), targetMask (B, L), memory (B, Q, D), memoryMask (B, Q)]}, plus an
 * optional self-attention mask {@code (L, L)}; all masks 1 = keep. The reference passes no
 * attention mask (its decoder is bidirectional, §7.1 P5); the optional one exists for the causal
 * variant, a deliberate option of {@code MissRecConfig}.
 */
public final class PostLnDecoderLayerBlock extends AbstractBlock {
    private final int hidden;
    private final float dropout;
    private final MultiHeadAttentionBlock selfAttention;
    private final MultiHeadAttentionBlock crossAttention;
    private final FeedForwardBlock feedForward;
    private final LayerNormBlock norm1;
    private final LayerNormBlock norm2;
    private final LayerNormBlock norm3;

    /**
     * @param hidden D
     * @param heads attention heads
     * @param innerSize FFN width
     * @param dropout the one dropout rate used for attention, residuals and the FFN
     * @param layerNormEps LayerNorm epsilon
     */
    public PostLnDecoderLayerBlock(
            int hidden, int heads, int innerSize, float dropout, float layerNormEps) {
        this.hidden = hidden;
        this.dropout = dropout;
        selfAttention =
                addChildBlock("self_attn", new MultiHeadAttentionBlock(hidden, heads, dropout));
        crossAttention =
                addChildBlock(
                        "multihead_attn", new MultiHeadAttentionBlock(hidden, heads, dropout));
        feedForward = addChildBlock("ffn", new FeedForwardBlock(hidden, innerSize, dropout));
        norm1 = addChildBlock("norm1", new LayerNormBlock(hidden, layerNormEps));
        norm2 = addChildBlock("norm2", new LayerNormBlock(hidden, layerNormEps));
        norm3 = addChildBlock("norm3", new LayerNormBlock(hidden, layerNormEps));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray targetMask = inputs.get(1);
        NDArray memory = inputs.get(2);
        NDArray memoryMask = inputs.get(3);
        NDList selfIn =
                inputs.size() > 4
                        ? new NDList(x, x, targetMask, inputs.get(4))
                        : new NDList(x, x, targetMask);
        NDArray a = selfAttention.forward(ps, selfIn, training).head();
        x = norm1.apply(ps, x.add(Dropout.dropout(a, dropout, training).head()), training);
        NDArray c = crossAttention.forward(ps, new NDList(x, memory, memoryMask), training).head();
        x = norm2.apply(ps, x.add(Dropout.dropout(c, dropout, training).head()), training);
        NDArray f = feedForward.forward(ps, new NDList(x), training).head();
        x = norm3.apply(ps, x.add(Dropout.dropout(f, dropout, training).head()), training);
        return new NDList(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        Shape tokens = new Shape(1, 1, hidden);
        selfAttention.initialize(manager, dataType, tokens, tokens, new Shape(1, 1));
        crossAttention.initialize(manager, dataType, tokens, tokens, new Shape(1, 1));
        feedForward.initialize(manager, dataType, tokens);
        norm1.initialize(manager, dataType, tokens);
        norm2.initialize(manager, dataType, tokens);
        norm3.initialize(manager, dataType, tokens);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
