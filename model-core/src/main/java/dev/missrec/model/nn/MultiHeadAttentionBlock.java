package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention as PyTorch's {@code nn.MultiheadAttention} with {@code
 * batch_first=True} (MISSREC-SPEC.md §2.1, §2.2 steps 4 and 6).
 *
 * <p>Inputs: {@code [query (B, Tq, D), keyValue (B, Tk, D), keyMask (B, Tk)]} and optionally an
 * {@code attentionMask (Tq, Tk)}; masks use 1 = keep, 0 = ignore. Output: {@code (B, Tq, D)}.
 *
 * <p>Written here rather than reusing DJL's {@code ScaledDotProductAttentionBlock} so that the
 * packed Xavier initialisation of Q/K/V and the N(0, 0.02) output projection match the reference
 * exactly and the key-padding mask needs no (B, Tq, Tk) materialisation. Masked keys get a score of
 * -1e9 instead of -inf: identical unless a row is fully masked, which the callers never produce.
 */
public final class MultiHeadAttentionBlock extends AbstractBlock {
    private static final float MASKED_SCORE = -1e9f;

    private final int hidden;
    private final int heads;
    private final float dropout;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    /**
     * @param hidden D
     * @param heads H; D must be divisible by H
     * @param dropout dropout on the attention probabilities (0.5 in the reference)
     */
    public MultiHeadAttentionBlock(int hidden, int heads, float dropout) {
        if (heads < 1 || hidden % heads != 0) {
            throw new IllegalArgumentException(
                    "hidden size " + hidden + " is not divisible by " + heads + " heads");
        }
        this.hidden = hidden;
        this.heads = heads;
        this.dropout = dropout;
        Initializer inProj = MissRecInit.xavierPackedInProjection(hidden);
        query = addChildBlock("query", linear(hidden, inProj));
        key = addChildBlock("key", linear(hidden, inProj));
        value = addChildBlock("value", linear(hidden, inProj));
        output = addChildBlock("output", linear(hidden, MissRecInit.normal()));
    }

    private static Linear linear(int units, Initializer weightInit) {
        Linear l = Linear.builder().setUnits(units).build();
        l.setInitializer(weightInit, Parameter.Type.WEIGHT);
        l.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return l;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray q = inputs.get(0);
        NDArray kv = inputs.get(1);
        NDArray keyMask = inputs.get(2);
        long b = q.getShape().get(0);
        long tq = q.getShape().get(1);
        long tk = kv.getShape().get(1);
        int dh = hidden / heads;
        // (B, T, D) -> (B, H, T, dh)
        NDArray qh = splitHeads(query.forward(ps, new NDList(q), training).head(), b, tq, dh);
        NDArray kh = splitHeads(key.forward(ps, new NDList(kv), training).head(), b, tk, dh);
        NDArray vh = splitHeads(value.forward(ps, new NDList(kv), training).head(), b, tk, dh);
        // (B, H, Tq, dh) x (B, H, dh, Tk) -> (B, H, Tq, Tk)
        NDArray scores = Scalars.dividedBy(qh.matMul(kh.transpose(0, 1, 3, 2)), Math.sqrt(dh));
        // key padding: (B, Tk) -> (B, 1, 1, Tk), 0 where kept, -1e9 where masked
        NDArray keyBias =
                keyMask.toType(DataType.FLOAT32, false)
                        .sub(1f)
                        .neg()
                        .mul(MASKED_SCORE)
                        .reshape(b, 1, 1, tk);
        scores = scores.add(keyBias);
        if (inputs.size() > 3) {
            NDArray attnBias =
                    inputs.get(3)
                            .toType(DataType.FLOAT32, false)
                            .sub(1f)
                            .neg()
                            .mul(MASKED_SCORE)
                            .reshape(1, 1, tq, tk);
            scores = scores.add(attnBias);
        }
        NDArray probs = Dropout.dropout(scores.softmax(-1), dropout, training).head();
        // (B, H, Tq, Tk) x (B, H, Tk, dh) -> (B, H, Tq, dh) -> (B, Tq, D)
        NDArray context = probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, tq, hidden);
        return output.forward(ps, new NDList(context), training);
    }

    private NDArray splitHeads(NDArray x, long b, long t, int dh) {
        return x.reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
    }

    @Override
    protected void initializeChildBlocks(
            ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape item = new Shape(1, hidden);
        query.initialize(manager, dataType, item);
        key.initialize(manager, dataType, item);
        value.initialize(manager, dataType, item);
        output.initialize(manager, dataType, item);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
