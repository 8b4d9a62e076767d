package dev.missrec.model.missrec;

import java.util.Locale;

/**
 * Immutable MISSRec hyper-parameters. Defaults of {@link #paper()} are the reference's released
 * config (props/MISSRec.yaml + props/finetune.yaml, MISSREC-SPEC.md §5); feature sizes are not part
 * of the config, they are taken from the dataset's feature tables.
 *
 * @param hiddenSize D ({@code hidden_size} 300)
 * @param numHeads attention heads ({@code n_heads} 4)
 * @param innerSize FFN width ({@code inner_size} 256)
 * @param encoderLayers contextual-encoder layers ({@code n_layers // 2} = 1)
 * @param decoderLayers interest-aware decoder layers ({@code n_layers // 2} = 1)
 * @param dropout the one dropout rate used everywhere ({@code hidden_dropout_prob} 0.5, §2.1)
 * @param maxSeqLength L ({@code MAX_ITEM_LIST_LENGTH} 50), the size of the position table
 * @param temperature tau of the logits (0.07)
 * @param layerNormEps LayerNorm epsilon (1e-12)
 * @param learningRate Adam learning rate (RecBole default 1e-3, weight decay 0)
 * @param batchSize training batch size ({@code train_batch_size} 512)
 * @param evalBatchSize histories scored per evaluation call ({@code eval_batch_size} 1024)
 * @param interestRatio K = ceil(ratio * |Z|) ({@code interest_ratio} 0.5 in fine-tuning, §2.3)
 * @param kmeansIterations k-means passes per discovery ({@code niter} 5)
 * @param torchpqCompat reproduce torchpq's absolute-value quirk (§7.1 P1); off by default
 * @param gamma weight of the interest regulariser ({@code gamma} 1e-4, §3.1)
 * @param patience early-stopping patience ({@code stopping_step} 10)
 * @param trainStage inductive or transductive fine-tuning (§3.2)
 * @param itemFusion how per-modality cosines are fused (released: dynamic_shared, §2.4)
 * @param causalDecoder a deliberate deviation, off in {@link #paper()}: a causal mask on the
 *     decoder's self-attention (the reference has none, §7.1 P5). Only the last real position's
 *     output is read and it attends to every earlier position either way, so with one decoder layer
 *     this changes nothing; it matters only with {@code decoderLayers > 1}.
 * @param logitAdjustment a deliberate deviation, 0 (off) in the presets: train with {@code
 *     logitAdjustment * log(prior)} added to each item's logit (Menon et al., ICLR 2021), so that
 *     known items' popularity is not learned into the scores and items without interactions yet
 *     (cold start) compete on content; see {@link MissRecModel#setLogitAdjustment}
 */
public record MissRecConfig(
        int hiddenSize,
        int numHeads,
        int innerSize,
        int encoderLayers,
        int decoderLayers,
        float dropout,
        int maxSeqLength,
        float temperature,
        float layerNormEps,
        float learningRate,
        int batchSize,
        int evalBatchSize,
        double interestRatio,
        int kmeansIterations,
        boolean torchpqCompat,
        float gamma,
        int patience,
        TrainStage trainStage,
        ItemFusion itemFusion,
        boolean causalDecoder,
        float logitAdjustment) {

    /** Validates every field; the builder and the presets go through here. */
    public MissRecConfig {
        positive("hiddenSize", hiddenSize);
        positive("numHeads", numHeads);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "hiddenSize " + hiddenSize + " is not divisible by numHeads " + numHeads);
        }
        positive("innerSize", innerSize);
        positive("encoderLayers", encoderLayers);
        positive("decoderLayers", decoderLayers);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
        }
        positive("maxSeqLength", maxSeqLength);
        if (!(temperature > 0f)) {
            throw new IllegalArgumentException("temperature must be positive: " + temperature);
        }
        if (!(layerNormEps > 0f)) {
            throw new IllegalArgumentException("layerNormEps must be positive: " + layerNormEps);
        }
        if (!(learningRate > 0f)) {
            throw new IllegalArgumentException("learningRate must be positive: " + learningRate);
        }
        positive("batchSize", batchSize);
        positive("evalBatchSize", evalBatchSize);
        if (!(interestRatio > 0 && interestRatio <= 1)) {
            throw new IllegalArgumentException("interestRatio must be in (0, 1]: " + interestRatio);
        }
        positive("kmeansIterations", kmeansIterations);
        if (!(gamma >= 0f)) {
            throw new IllegalArgumentException("gamma must be non-negative: " + gamma);
        }
        positive("patience", patience);
        if (!(logitAdjustment >= 0f)) {
            throw new IllegalArgumentException(
                    "logitAdjustment must be non-negative: " + logitAdjustment);
        }
        if (trainStage == null || itemFusion == null) {
            throw new IllegalArgumentException("trainStage and itemFusion are required");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** The reference's released fine-tuning configuration (MISSREC-SPEC.md §5), inductive. */
    public static MissRecConfig paper() {
        return builder().build();
    }

    /** A small, fast configuration for tests and demos on synthetic data; inductive. */
    public static MissRecConfig tiny() {
        return builder()
                .optHiddenSize(32)
                .optNumHeads(2)
                .optInnerSize(64)
                .optDropout(0.1f)
                .optMaxSeqLength(20)
                .optLearningRate(3e-3f)
                .optBatchSize(64)
                .optEvalBatchSize(256)
                .optPatience(3)
                .build();
    }

    /**
     * The named preset ("paper" or "tiny", case-insensitive).
     *
     * @throws IllegalArgumentException naming the unknown preset
     */
    public static MissRecConfig preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "paper" -> paper();
            case "tiny" -> tiny();
            default ->
                    throw new IllegalArgumentException(
                            "unknown MISSRec preset '" + name + "' (expected paper or tiny)");
        };
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from the {@link #paper()} defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** This config in another training stage. */
    public MissRecConfig withTrainStage(TrainStage stage) {
        return toBuilder().optTrainStage(stage).build();
    }

    /** Builder; every field is optional and defaults to the reference value. */
    public static final class Builder {
        private int hiddenSize = 300;
        private int numHeads = 4;
        private int innerSize = 256;
        private int encoderLayers = 1;
        private int decoderLayers = 1;
        private float dropout = 0.5f;
        private int maxSeqLength = 50;
        private float temperature = 0.07f;
        private float layerNormEps = 1e-12f;
        private float learningRate = 1e-3f;
        private int batchSize = 512;
        private int evalBatchSize = 1024;
        private double interestRatio = 0.5;
        private int kmeansIterations = 5;
        private boolean torchpqCompat = false;
        private float gamma = 1e-4f;
        private int patience = 10;
        private TrainStage trainStage = TrainStage.INDUCTIVE;
        private ItemFusion itemFusion = ItemFusion.DYNAMIC_SHARED;
        private boolean causalDecoder = false;
        private float logitAdjustment = 0f;

        private Builder() {}

        private Builder(MissRecConfig c) {
            hiddenSize = c.hiddenSize;
            numHeads = c.numHeads;
            innerSize = c.innerSize;
            encoderLayers = c.encoderLayers;
            decoderLayers = c.decoderLayers;
            dropout = c.dropout;
            maxSeqLength = c.maxSeqLength;
            temperature = c.temperature;
            layerNormEps = c.layerNormEps;
            learningRate = c.learningRate;
            batchSize = c.batchSize;
            evalBatchSize = c.evalBatchSize;
            interestRatio = c.interestRatio;
            kmeansIterations = c.kmeansIterations;
            torchpqCompat = c.torchpqCompat;
            gamma = c.gamma;
            patience = c.patience;
            trainStage = c.trainStage;
            itemFusion = c.itemFusion;
            causalDecoder = c.causalDecoder;
            logitAdjustment = c.logitAdjustment;
        }

        public Builder optHiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder optNumHeads(int v) {
            numHeads = v;
            return this;
        }

        public Builder optInnerSize(int v) {
            innerSize = v;
            return this;
        }

        public Builder optEncoderLayers(int v) {
            encoderLayers = v;
            return this;
        }

        public Builder optDecoderLayers(int v) {
            decoderLayers = v;
            return this;
        }

        public Builder optDropout(float v) {
            dropout = v;
            return this;
        }

        public Builder optMaxSeqLength(int v) {
            maxSeqLength = v;
            return this;
        }

        public Builder optTemperature(float v) {
            temperature = v;
            return this;
        }

        public Builder optLayerNormEps(float v) {
            layerNormEps = v;
            return this;
        }

        public Builder optLearningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder optBatchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder optEvalBatchSize(int v) {
            evalBatchSize = v;
            return this;
        }

        public Builder optInterestRatio(double v) {
            interestRatio = v;
            return this;
        }

        public Builder optKmeansIterations(int v) {
            kmeansIterations = v;
            return this;
        }

        public Builder optTorchpqCompat(boolean v) {
            torchpqCompat = v;
            return this;
        }

        public Builder optGamma(float v) {
            gamma = v;
            return this;
        }

        public Builder optPatience(int v) {
            patience = v;
            return this;
        }

        public Builder optTrainStage(TrainStage v) {
            trainStage = v;
            return this;
        }

        public Builder optItemFusion(ItemFusion v) {
            itemFusion = v;
            return this;
        }

        public Builder optCausalDecoder(boolean v) {
            causalDecoder = v;
            return this;
        }

        public Builder optLogitAdjustment(float v) {
            logitAdjustment = v;
            return this;
        }

        /** Builds and validates the config. */
        public MissRecConfig build() {
            return new MissRecConfig(
                    hiddenSize,
                    numHeads,
                    innerSize,
                    encoderLayers,
                    decoderLayers,
                    dropout,
                    maxSeqLength,
                    temperature,
                    layerNormEps,
                    learningRate,
                    batchSize,
                    evalBatchSize,
                    interestRatio,
                    kmeansIterations,
                    torchpqCompat,
                    gamma,
                    patience,
                    trainStage,
                    itemFusion,
                    causalDecoder,
                    logitAdjustment);
        }
    }
}
