package dev.missrec.model.sasrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The SASRec network (Kang &amp; McAuley 2018): item embedding + learned position embedding,
 * dropout, {@code numBlocks} causal self-attention blocks; the hidden state at each history's last
 * real position is dotted with the item embedding table to score all N items.
 *
 * <p>Shapes: B batch, L padded sequence length (the batch's longest history, at most {@code
 * maxLength}), D hidden, N items including PAD 0. Inputs: item ids (B, L) int64, right-padded with
 * 0 so real items sit at positions 0..len-1 as in the reference (MISSREC-SPEC.md §1.4); a one-hot
 * selector of each row's last real position (B, L) float32; the causal bias (L, L), see {@link
 * SasRecBatch}. Output: logits (B, N). Right padding with a causal mask needs no key-padding mask:
 * the position read (len-1) attends only to positions 0..len-1, all real.
 *
 * <p>Initialisation as RecBole's SASRec: N(0, initRange) for embeddings and linear weights, zero
 * biases, LayerNorm 1/0. Deviation from the original paper: no √D scaling of the embeddings and no
 * re-zeroing of padded positions (RecBole does neither; the causal mask keeps padding out of every
 * position that is read).
 */
public final class SasRecBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final SasRecConfig config;
    private final int numItems;
    private final Parameter itemEmbedding;
    private final Parameter positionEmbedding;
    private final LayerNorm norm;
    private final List<SasRecLayerBlock> layers = new ArrayList<>();

    /**
     * @param config hyper-parameters
     * @param numItems N, number of items including PAD 0
     */
    public SasRecBlock(SasRecConfig config, int numItems) {
        super(VERSION);
        if (numItems < 2) {
            throw new IllegalArgumentException("need at least one real item, got N=" + numItems);
        }
        this.config = config;
        this.numItems = numItems;
        NormalInitializer init = new NormalInitializer(config.initRange());
        itemEmbedding =
                addParameter(
                        Parameter.builder()
                                .setName("item_embedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(numItems, config.hiddenSize()))
                                .optInitializer(init)
                                .build());
        positionEmbedding =
                addParameter(
                        Parameter.builder()
                                .setName("position_embedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(config.maxLength(), config.hiddenSize()))
                                .optInitializer(init)
                                .build());
        // POST: LayerNorm on the input embeddings (RecBole); PRE: the final LayerNorm (TF code)
        norm = addChildBlock("norm", SasRecLayerBlock.layerNorm(config));
        for (int i = 0; i < config.numBlocks(); i++) {
            layers.add(addChildBlock("block" + i, new SasRecLayerBlock(config)));
        }
        setInitializer(init, Parameter.Type.WEIGHT);
    }

    public SasRecConfig config() {
        return config;
    }

    /** N, the number of items including PAD. */
    public int numItems() {
        return numItems;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray last = inputs.get(1);
        NDArray bias = inputs.get(2);
        NDArray hidden = encode(ps, ids, bias, training);
        // (B, L, D) * (B, L, 1) summed over L -> (B, D): the last real position of each row
        NDArray user = hidden.mul(last.expandDims(2)).sum(new int[] {1});
        NDArray items = ps.getValue(itemEmbedding, ids.getDevice(), training);
        // (B, D) x (N, D)^T -> (B, N); computed from `user` so the result is in the batch manager
        return Linear.linear(user, items);
    }

    /**
     * The hidden state at every position, (B, L) ids and (L, L) causal bias -> (B, L, D). Package
     * visible for the causal-mask test.
     */
    NDArray encode(ParameterStore ps, NDArray ids, NDArray bias, boolean training) {
        long l = ids.getShape().get(1);
        if (l > config.maxLength()) {
            throw new IllegalArgumentException(
                    "sequence length " + l + " exceeds maxLength " + config.maxLength());
        }
        NDArray items = ps.getValue(itemEmbedding, ids.getDevice(), training);
        NDArray positions = ps.getValue(positionEmbedding, ids.getDevice(), training);
        // lookups driven by batch-managed index arrays keep every result in the batch manager
        NDArray posIds = ids.getManager().arange(0L, l, 1L, DataType.INT64);
        NDArray x =
                Embedding.embedding(ids, items, SparseFormat.DENSE)
                        .head()
                        .add(Embedding.embedding(posIds, positions, SparseFormat.DENSE).head());
        boolean post = config.norm() == SasRecConfig.NormPlacement.POST;
        if (post) {
            x = norm.forward(ps, new NDList(x), training).head();
        }
        x = Dropout.dropout(x, config.dropout(), training).head();
        for (SasRecLayerBlock layer : layers) {
            x = layer.forward(ps, new NDList(x, bias), training).head();
        }
        if (!post) {
            x = norm.forward(ps, new NDList(x), training).head();
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numItems)};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.hiddenSize());
        norm.initialize(manager, dataType, x);
        for (SasRecLayerBlock layer : layers) {
            layer.initialize(manager, dataType, x, inputShapes[2]);
        }
    }

    /** The input shapes used to initialise the block, for a batch of one full-length history. */
    Shape[] initShapes() {
        long l = config.maxLength();
        return new Shape[] {new Shape(1, l), new Shape(1, l), new Shape(l, l)};
    }
}
