package dev.missrec.model.sasrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One SASRec block: causal self-attention then the point-wise feed-forward network, each with a
 * residual connection, dropout and LayerNorm placed as {@link SasRecConfig.NormPlacement} says.
 *
 * <p>Inputs {@code x} (B, L, D) and the causal bias (L, L); output (B, L, D).
 */
public final class SasRecLayerBlock extends AbstractBlock {
    private final SasRecConfig config;
    private final CausalSelfAttentionBlock attention;
    private final LayerNorm attentionNorm;
    private final Linear ffnIn;
    private final Linear ffnOut;
    private final LayerNorm ffnNorm;

    public SasRecLayerBlock(SasRecConfig config) {
        this.config = config;
        attention =
                addChildBlock(
                        "attention",
                        new CausalSelfAttentionBlock(
                                config.hiddenSize(), config.numHeads(), config.attentionDropout()));
        attentionNorm = addChildBlock("attention_norm", layerNorm(config));
        ffnIn = addChildBlock("ffn_in", Linear.builder().setUnits(config.innerSize()).build());
        ffnOut = addChildBlock("ffn_out", Linear.builder().setUnits(config.hiddenSize()).build());
        ffnNorm = addChildBlock("ffn_norm", layerNorm(config));
    }

    static LayerNorm layerNorm(SasRecConfig config) {
        // axis 2 of (B, L, D): normalise each position's D values
        return LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray bias = inputs.get(1);
        float p = config.dropout();
        if (config.norm() == SasRecConfig.NormPlacement.POST) {
            NDArray a = attention.forward(ps, new NDList(x, bias), training).head();
            x = norm(attentionNorm, ps, x.add(Dropout.dropout(a, p, training).head()), training);
            NDArray f = ffn(ps, x, training);
            return new NDList(
                    norm(ffnNorm, ps, x.add(Dropout.dropout(f, p, training).head()), training));
        }
        NDArray a =
                attention
                        .forward(
                                ps,
                                new NDList(norm(attentionNorm, ps, x, training), bias),
                                training)
                        .head();
        x = x.add(Dropout.dropout(a, p, training).head());
        NDArray f = ffn(ps, norm(ffnNorm, ps, x, training), training);
        return new NDList(x.add(Dropout.dropout(f, p, training).head()));
    }

    private NDArray ffn(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = ffnIn.forward(ps, new NDList(x), training).head();
        h =
                config.activation() == SasRecConfig.FfnActivation.GELU
                        ? Activation.gelu(h)
                        : Activation.relu(h);
        h = Dropout.dropout(h, config.dropout(), training).head();
        return ffnOut.forward(ps, new NDList(h), training).head();
    }

    private static NDArray norm(LayerNorm ln, ParameterStore ps, NDArray x, boolean training) {
        return ln.forward(ps, new NDList(x), training).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        attention.initialize(manager, dataType, x, inputShapes[1]);
        attentionNorm.initialize(manager, dataType, x);
        ffnIn.initialize(manager, dataType, x);
        ffnOut.initialize(manager, dataType, new Shape(x.get(0), x.get(1), config.innerSize()));
        ffnNorm.initialize(manager, dataType, x);
    }
}
