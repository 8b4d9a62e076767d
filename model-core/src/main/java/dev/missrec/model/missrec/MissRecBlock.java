package dev.missrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.missrec.model.nn.LayerNormBlock;
import dev.missrec.model.nn.MissRecInit;
import dev.missrec.model.nn.PostLnDecoderLayerBlock;
import dev.missrec.model.nn.PostLnEncoderLayerBlock;
import dev.missrec.model.nn.Scalars;
import dev.missrec.model.nn.Sequences;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The MISSRec network for fine-tuning and inference (MISSREC-SPEC.md §2.2, §2.4; missrec.py:93-131,
 * 238-361), as one DJL block.
 *
 * <p>Dimensions: B batch, L padded sequence width, N items including PAD, Q interest tokens, D
 * hidden, P feature size, M = 2 modalities. Masks: 1 = keep.
 *
 * <p>Inputs of {@link #forward}: {@code [items (B, L) int64, lengths (B) int64, interests (B, Q)
 * int64]}; outputs {@code [logits (B, N), regulariser ()]}. The raw feature tables (N, P) and the
 * interest embeddings (K + 1, D) are constants, not parameters: set them with {@link
 * #setFeatureTables} and {@link #setInterestEmbeddings} before the first forward.
 *
 * <p>Deliberate deviations: none in {@link MissRecConfig#paper()}. The adapters are applied to the
 * whole (N, P) tables once per forward and the sequence rows gathered from the result, which is the
 * same math as adapting the gathered rows and reuses the tables the candidate side needs anyway.
 */
public final class MissRecBlock extends AbstractBlock {
    private final MissRecConfig config;
    private final int numItems;
    private final int textDim;
    private final int imageDim;
    private final Linear textAdapter;
    private final Linear imageAdapter;
    private final LayerNormBlock inputNorm;
    private final List<PostLnEncoderLayerBlock> encoderLayers = new ArrayList<>();
    private final LayerNormBlock encoderNorm;
    private final List<PostLnDecoderLayerBlock> decoderLayers = new ArrayList<>();
    private final LayerNormBlock decoderNorm;
    private final Parameter position;
    private final Parameter itemEmbedding;
    private final Parameter fusionFactor;

    private NDArray textFeatures;
    private NDArray imageFeatures;
    private NDArray interestEmbeddings;

    /**
     * @param config hyper-parameters
     * @param numItems N, items including PAD
     * @param textDim P of the text features
     * @param imageDim P of the image features
     */
    public MissRecBlock(MissRecConfig config, int numItems, int textDim, int imageDim) {
        this.config = Objects.requireNonNull(config, "config");
        if (numItems < 2 || textDim < 1 || imageDim < 1) {
            throw new IllegalArgumentException(
                    "need N >= 2 and positive feature sizes, got N="
                            + numItems
                            + " text="
                            + textDim
                            + " image="
                            + imageDim);
        }
        this.numItems = numItems;
        this.textDim = textDim;
        this.imageDim = imageDim;
        int d = config.hiddenSize();
        textAdapter = addChildBlock("text_adaptor", adapter(d, textDim));
        imageAdapter = addChildBlock("img_adaptor", adapter(d, imageDim));
        inputNorm = addChildBlock("LayerNorm", new LayerNormBlock(d, config.layerNormEps()));
        for (int i = 0; i < config.encoderLayers(); i++) {
            encoderLayers.add(
                    addChildBlock(
                            "encoder_layer_" + i,
                            new PostLnEncoderLayerBlock(
                                    d,
                                    config.numHeads(),
                                    config.innerSize(),
                                    config.dropout(),
                                    config.layerNormEps())));
        }
        encoderNorm = addChildBlock("encoder_norm", new LayerNormBlock(d, config.layerNormEps()));
        for (int i = 0; i < config.decoderLayers(); i++) {
            decoderLayers.add(
                    addChildBlock(
                            "decoder_layer_" + i,
                            new PostLnDecoderLayerBlock(
                                    d,
                                    config.numHeads(),
                                    config.innerSize(),
                                    config.dropout(),
                                    config.layerNormEps())));
        }
        decoderNorm = addChildBlock("decoder_norm", new LayerNormBlock(d, config.layerNormEps()));
        position =
                addParameter(
                        Parameter.builder()
                                .setName("position_embedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(config.maxSeqLength(), d))
                                .optInitializer(MissRecInit.normal())
                                .build());
        itemEmbedding =
                config.trainStage() == TrainStage.TRANSDUCTIVE
                        ? addParameter(
                                Parameter.builder()
                                        .setName("item_embedding")
                                        .setType(Parameter.Type.WEIGHT)
                                        .optShape(new Shape(numItems, d))
                                        .optInitializer(MissRecInit.normalWithZeroPadRow())
                                        .build())
                        : null;
        fusionFactor =
                config.itemFusion() == ItemFusion.DYNAMIC_SHARED
                        ? addParameter(
                                Parameter.builder()
                                        .setName("fusion_factor")
                                        .setType(Parameter.Type.WEIGHT)
                                        .optShape(new Shape(1))
                                        .optInitializer(Initializer.ZEROS)
                                        .build())
                        : null;
    }

    private static Linear adapter(int hidden, int fanIn) {
        Linear l = Linear.builder().setUnits(hidden).build();
        Initializer init = MissRecInit.torchLinearDefault(fanIn);
        l.setInitializer(init, Parameter.Type.WEIGHT);
        l.setInitializer(init, Parameter.Type.BIAS);
        return l;
    }

    /** The config this block was built with. */
    public MissRecConfig config() {
        return config;
    }

    /** N, items including PAD. */
    public int numItems() {
        return numItems;
    }

    /**
     * Sets the raw (N, P) text and image feature tables; row 0 (PAD) and items missing a modality
     * are all-zero rows. The block keeps references, the caller keeps ownership.
     */
    public void setFeatureTables(NDArray text, NDArray image) {
        requireShape("text features", text, new Shape(numItems, textDim));
        requireShape("image features", image, new Shape(numItems, imageDim));
        textFeatures = text;
        imageFeatures = image;
    }

    /** Sets the (K + 1, D) interest embeddings (row 0 = padding token); caller keeps ownership. */
    public void setInterestEmbeddings(NDArray embeddings) {
        if (embeddings.getShape().dimension() != 2
                || embeddings.getShape().get(1) != config.hiddenSize()) {
            throw new IllegalArgumentException(
                    "interest embeddings must be (K + 1, "
                            + config.hiddenSize()
                            + "), got "
                            + embeddings.getShape());
        }
        interestEmbeddings = embeddings;
    }

    private static void requireShape(String what, NDArray a, Shape expected) {
        if (!a.getShape().equals(expected)) {
            throw new IllegalArgumentException(
                    what + " must be " + expected + ", got " + a.getShape());
        }
    }

    /**
     * The adapted item tables {@code [TA(text) (N, D), VA(image) (N, D)]}, PAD row included (it
     * becomes the adapter bias, as in the reference).
     */
    public NDList adaptItems(ParameterStore ps, boolean training) {
        if (textFeatures == null) {
            throw new IllegalStateException("feature tables not set: call setFeatureTables first");
        }
        NDArray t = textAdapter.forward(ps, new NDList(textFeatures), training).head();
        NDArray v = imageAdapter.forward(ps, new NDList(imageFeatures), training).head();
        return new NDList(t, v);
    }

    /** P of the text features. */
    public int textDim() {
        return textDim;
    }

    /** P of the image features. */
    public int imageDim() {
        return imageDim;
    }

    /** Whether the model has an item-ID table (transductive stage). */
    public boolean hasItemIdTable() {
        return itemEmbedding != null;
    }

    /**
     * TA of arbitrary text feature rows (M, P_t) -> (M, D): how serving adapts items that were not
     * in the training tables. An all-zero row (missing text) becomes the adapter's bias.
     */
    public NDArray adaptText(ParameterStore ps, NDArray rows, boolean training) {
        return textAdapter.forward(ps, new NDList(rows), training).head();
    }

    /** VA of arbitrary image feature rows (M, P_v) -> (M, D); see {@link #adaptText}. */
    public NDArray adaptImage(ParameterStore ps, NDArray rows, boolean training) {
        return imageAdapter.forward(ps, new NDList(rows), training).head();
    }

    /** The (N, D) item-ID table, or null for an inductive model. */
    public NDArray itemIdTable(ParameterStore ps, ai.djl.Device device, boolean training) {
        return itemEmbedding == null ? null : ps.getValue(itemEmbedding, device, training);
    }

    /**
     * Candidate tables for scoring (§2.4): L2-normalised {@code [t̂ (N, D), v̂ (N, D)]} plus the
     * normalised ID table in transductive mode.
     */
    public NDList candidateTables(ParameterStore ps, NDList adapted, boolean training) {
        NDList out = new NDList(normalize(adapted.get(0)), normalize(adapted.get(1)));
        if (itemEmbedding != null) {
            NDArray ids = ps.getValue(itemEmbedding, adapted.get(0).getDevice(), training);
            out.add(normalize(ids));
        }
        return out;
    }

    /** F.normalize: {@code x / max(||x||_2, 1e-12)} over the last axis. */
    static NDArray normalize(NDArray x) {
        return x.normalize(2, -1, 1e-12);
    }

    /**
     * The sequence side (§2.2 steps 1-8): normalised sequence embeddings {@code s (B, D)} and the
     * interest regulariser R (a scalar, summed over the batch).
     */
    public NDList encode(
            ParameterStore ps,
            NDArray items,
            NDArray lengths,
            NDArray interests,
            NDList adapted,
            boolean training) {
        if (interestEmbeddings == null) {
            throw new IllegalStateException(
                    "interest embeddings not set: run interest discovery first");
        }
        long b = items.getShape().get(0);
        long l = items.getShape().get(1);
        if (l > config.maxSeqLength()) {
            throw new IllegalArgumentException(
                    "sequence width " + l + " exceeds L = " + config.maxSeqLength());
        }
        long q = interests.getShape().get(1);
        int d = config.hiddenSize();
        NDArray itemMask = Sequences.keepMask(items);
        NDArray interestMask = Sequences.keepMask(interests);

        // contextual encoder over interest tokens (step 4): no position, no input LN or dropout
        NDArray memory =
                Embedding.embedding(interests, interestEmbeddings, SparseFormat.DENSE).head();
        for (PostLnEncoderLayerBlock layer : encoderLayers) {
            memory = layer.forward(ps, new NDList(memory, interestMask), training).head();
        }
        memory = encoderNorm.apply(ps, memory, training); // (B, Q, D)

        // decoder input (step 5): TA + VA + position [+ ID], LN, dropout
        NDArray x =
                Embedding.embedding(items, adapted.get(0), SparseFormat.DENSE)
                        .head()
                        .add(Embedding.embedding(items, adapted.get(1), SparseFormat.DENSE).head());
        NDArray pos = ps.getValue(position, items.getDevice(), training).get("0:" + l);
        x = x.add(pos.expandDims(0)); // (B, L, D) + (1, L, D)
        if (itemEmbedding != null) {
            // serving passes its own ID table (trained rows plus zero rows for new items)
            NDArray ids =
                    adapted.size() > 2
                            ? adapted.get(2)
                            : ps.getValue(itemEmbedding, items.getDevice(), training);
            x = x.add(Embedding.embedding(items, ids, SparseFormat.DENSE).head());
        }
        x = Dropout.dropout(inputNorm.apply(ps, x, training), config.dropout(), training).head();

        // interest-aware decoder (step 6)
        NDArray causal = config.causalDecoder() ? causalMask(items.getManager(), l) : null;
        for (PostLnDecoderLayerBlock layer : decoderLayers) {
            NDList in = new NDList(x, itemMask, memory, interestMask);
            if (causal != null) {
                in.add(causal);
            }
            x = layer.forward(ps, in, training).head();
        }
        x = decoderNorm.apply(ps, x, training);

        // step 7: last real position, L2-normalised; (B, L, D), (B) -> (B, D)
        NDArray s = normalize(Sequences.gatherLast(x, lengths));

        // regulariser (§3.1 R): || sum_j (nValid/Q) memory_j ||^2 / D, summed over the batch
        NDArray weight =
                interestMask
                        .toType(DataType.FLOAT32, false)
                        .sum(new int[] {1})
                        .div(q) // no gradient flows into the mask
                        .reshape(b, 1);
        NDArray pooled = memory.sum(new int[] {1}).mul(weight); // (B, D)
        NDArray reg = Scalars.dividedBy(pooled.square().sum(), d);
        return new NDList(s, reg);
    }

    /**
     * Logits over all N items (§2.4): per-modality cosines fused by {@code softmax(beta · c)} (or
     * the mean for {@link ItemFusion#STATIC}), the ID term {@code (id + 2f) / 3} in transductive
     * mode, divided by tau. (B, D) -> (B, N).
     */
    public NDArray logits(ParameterStore ps, NDArray s, NDList candidates, boolean training) {
        NDArray ct = s.matMul(candidates.get(0).transpose()); // (B, N)
        NDArray cv = s.matMul(candidates.get(1).transpose()); // (B, N)
        NDArray f;
        if (fusionFactor != null) {
            NDArray beta = ps.getValue(fusionFactor, s.getDevice(), training);
            NDArray c = ct.stack(cv, 2); // (B, N, M)
            f = c.mul(beta).softmax(2).mul(c).sum(new int[] {2});
        } else {
            f = Scalars.dividedBy(ct.add(cv), 2);
        }
        if (candidates.size() > 2) {
            NDArray ci = s.matMul(candidates.get(2).transpose());
            f = Scalars.dividedBy(ci.add(Scalars.times(f, 2)), 3);
        }
        return Scalars.dividedBy(f, config.temperature());
    }

    /**
     * Serving logits, (B, D) -> (B, N): {@link #logits(ParameterStore, NDArray, NDList, boolean)}
     * plus {@code penalty} (N), with fewer passes over the (B, N) scores, which dominate against a
     * large catalog: for two modalities {@code softmax(beta c) · c} is {@code c_v + sigmoid(beta
     * (c_t - c_v)) (c_t - c_v)}, and the arithmetic runs in place. Inference only (no gradients).
     *
     * <p>{@code idWeight} (N) says per item whether its ID term counts: 1 for items with a trained
     * ID row, 0 for items added at serving time, whose logit is then the fused feature score alone
     * — {@code (c_id + 2f) / 3} becomes {@code f}, on the same scale (both are cosine combinations
     * over tau). Null means every item has an ID row.
     */
    public NDArray servingLogits(
            ParameterStore ps, NDArray s, NDList candidates, NDArray idWeight, NDArray penalty) {
        NDArray ct = s.matMul(candidates.get(0).transpose()); // (B, N)
        NDArray cv = s.matMul(candidates.get(1).transpose()); // (B, N)
        NDArray f;
        if (fusionFactor != null) {
            NDArray beta = ps.getValue(fusionFactor, s.getDevice(), false);
            NDArray diff = ct.subi(cv); // c_t - c_v, in ct's buffer
            NDArray weight = Activation.sigmoid(diff.mul(beta));
            f = weight.muli(diff).addi(cv);
        } else {
            f = ct.addi(cv).divi(2f);
        }
        if (candidates.size() > 2) {
            NDArray ci = s.matMul(candidates.get(2).transpose());
            NDArray term = ci.subi(f).divi(3f); // (c_id - f) / 3
            f = idWeight == null ? f.addi(term) : f.addi(term.muli(idWeight));
        }
        return f.divi(config.temperature()).addi(penalty);
    }

    private static NDArray causalMask(NDManager manager, long l) {
        float[] m = new float[(int) (l * l)];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j <= i; j++) {
                m[(int) (i * l + j)] = 1f;
            }
        }
        return manager.create(m, new Shape(l, l));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList adapted = adaptItems(ps, training);
        NDList encoded = encode(ps, inputs.get(0), inputs.get(1), inputs.get(2), adapted, training);
        NDList candidates = candidateTables(ps, adapted, training);
        return new NDList(logits(ps, encoded.get(0), candidates, training), encoded.get(1));
    }

    /**
     * Training loss (§3.2): full-softmax cross-entropy over all N logits, PAD column included as in
     * the reference, averaged over the batch, plus gamma · R.
     */
    public NDArray loss(NDArray logits, NDArray regulariser, NDArray targets) {
        NDArray logp = logits.logSoftmax(1);
        NDArray picked = logp.mul(targets.oneHot(numItems)).sum(new int[] {1}); // (B)
        return picked.neg().mean().add(Scalars.times(regulariser, config.gamma()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        int d = config.hiddenSize();
        textAdapter.initialize(manager, dataType, new Shape(numItems, textDim));
        imageAdapter.initialize(manager, dataType, new Shape(numItems, imageDim));
        Shape tokens = new Shape(1, 1, d);
        Shape mask = new Shape(1, 1);
        inputNorm.initialize(manager, dataType, tokens);
        for (PostLnEncoderLayerBlock layer : encoderLayers) {
            layer.initialize(manager, dataType, tokens, mask);
        }
        encoderNorm.initialize(manager, dataType, tokens);
        for (PostLnDecoderLayerBlock layer : decoderLayers) {
            layer.initialize(manager, dataType, tokens, mask, tokens, mask);
        }
        decoderNorm.initialize(manager, dataType, tokens);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numItems), new Shape()};
    }

    /** Number of trainable parameter values (buffers such as feature tables excluded). */
    public long trainableParameterCount() {
        long total = 0;
        for (Parameter p : getParameters().values()) {
            if (p.requiresGradient()) {
                total += p.getShape().size();
            }
        }
        return total;
    }

    /** Number of parameter values, trainable or frozen. */
    public long totalParameterCount() {
        long total = 0;
        for (Parameter p : getParameters().values()) {
            total += p.getShape().size();
        }
        return total;
    }
}
