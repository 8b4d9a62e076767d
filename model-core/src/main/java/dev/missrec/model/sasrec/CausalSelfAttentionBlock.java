package dev.missrec.model.sasrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.missrec.model.nn.Scalars;

/**
 * Multi-head scaled dot-product self-attention with an additive attention bias (the causal mask),
 * as in SASRec §III-B.
 *
 * <p>Shapes: B batch, L sequence, D hidden, H heads, d = D/H. Inputs {@code x} (B, L, D) and {@code
 * bias} (L, L), 0 where query i may attend key j and a large negative number elsewhere; output (B,
 * L, D). Every intermediate array is created from {@code x}, so it lives in the caller's per-batch
 * manager.
 */
public final class CausalSelfAttentionBlock extends AbstractBlock {
    private final int hidden;
    private final int heads;
    private final float attentionDropout;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    /**
     * @param hidden D
     * @param heads H, dividing D
     * @param attentionDropout dropout on the attention probabilities
     */
    public CausalSelfAttentionBlock(int hidden, int heads, float attentionDropout) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(heads + " heads do not divide hidden " + hidden);
        }
        this.hidden = hidden;
        this.heads = heads;
        this.attentionDropout = attentionDropout;
        query = addChildBlock("query", Linear.builder().setUnits(hidden).build());
        key = addChildBlock("key", Linear.builder().setUnits(hidden).build());
        value = addChildBlock("value", Linear.builder().setUnits(hidden).build());
        output = addChildBlock("output", Linear.builder().setUnits(hidden).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray bias = inputs.get(1);
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        int d = hidden / heads;
        NDArray q = split(query.forward(ps, new NDList(x), training).head(), b, l, d);
        NDArray k = split(key.forward(ps, new NDList(x), training).head(), b, l, d);
        NDArray v = split(value.forward(ps, new NDList(x), training).head(), b, l, d);
        // (B, H, L, d) x (B, H, d, L) -> (B, H, L, L)
        NDArray scores =
                Scalars.dividedBy(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(d)).add(bias);
        NDArray probs = scores.softmax(-1);
        probs = Dropout.dropout(probs, attentionDropout, training).head();
        // (B, H, L, L) x (B, H, L, d) -> (B, H, L, d) -> (B, L, D)
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, l, hidden);
        return output.forward(ps, new NDList(context), training);
    }

    // (B, L, D) -> (B, H, L, d)
    private NDArray split(NDArray t, long b, long l, int d) {
        return t.reshape(b, l, heads, d).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Linear lin : new Linear[] {query, key, value, output}) {
            lin.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
