package dev.missrec.model.sasrec;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.ArtifactReader;
import dev.missrec.model.artifact.ArtifactWriter;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainedScorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained SASRec model: scores all items for histories (dropout off), and saves to / loads from a
 * model artifact ({@code parameters.bin}, {@code items.tsv}, config and manifest).
 *
 * <p>Holds a DJL {@link Model} and its native memory until {@link #close()}. Use from one thread at
 * a time.
 */
public final class SasRecModel implements TrainedScorer {
    /** The artifact's model kind. */
    public static final String KIND = "sasrec";

    static final String PARAMETERS_FILE = "parameters.bin";
    static final String ITEMS_FILE = ArtifactManifest.ITEM_TOKENS_FILE;
    private static final int SCORE_CHUNK = 256;

    /**
     * The config stored in the artifact: the hyper-parameters and the item count they were built
     * for.
     *
     * @param numItems N, items including PAD 0
     * @param model the hyper-parameters
     */
    public record ArtifactConfig(int numItems, SasRecConfig model) {}

    /**
     * One training epoch, for reports.
     *
     * @param epoch 1-based epoch
     * @param trainLoss mean cross-entropy over the epoch's training cases
     * @param valid validation metrics after the epoch
     * @param trainSeconds wall time of the epoch's training steps
     * @param evalSeconds wall time of the validation pass
     */
    public record EpochLog(
            int epoch,
            double trainLoss,
            RankingMetrics valid,
            double trainSeconds,
            double evalSeconds) {}

    private final Model model;
    private final SasRecBlock block;
    private final String[] itemTokens;
    private final int bestEpoch;
    private final List<EpochLog> log;
    private boolean closed;

    SasRecModel(
            Model model,
            SasRecBlock block,
            String[] itemTokens,
            int bestEpoch,
            List<EpochLog> log) {
        if (itemTokens.length != block.numItems()) {
            throw new IllegalArgumentException(
                    itemTokens.length + " item tokens for " + block.numItems() + " items");
        }
        this.model = model;
        this.block = block;
        this.itemTokens = itemTokens.clone();
        this.bestEpoch = bestEpoch;
        this.log = List.copyOf(log);
    }

    @Override
    public String name() {
        return KIND;
    }

    public SasRecConfig config() {
        return block.config();
    }

    /** N, items including PAD. */
    public int numItems() {
        return block.numItems();
    }

    /** Internal id to the dataset's item token; index 0 is PAD. */
    public String itemToken(int id) {
        return itemTokens[id];
    }

    /** Per-epoch training log; empty for a loaded model. */
    public List<EpochLog> trainingLog() {
        return log;
    }

    /**
     * Scores all N items for each history with dropout off.
     *
     * @throws IllegalArgumentException for an empty history or an unknown item id
     */
    @Override
    public float[][] score(List<int[]> histories) {
        if (closed) {
            throw new IllegalStateException("SASRec model is closed");
        }
        float[][] out = new float[histories.size()][];
        for (int start = 0; start < histories.size(); start += SCORE_CHUNK) {
            List<int[]> chunk =
                    histories.subList(start, Math.min(histories.size(), start + SCORE_CHUNK));
            try (NDManager batch = model.getNDManager().newSubManager()) {
                NDList in = SasRecBatch.inputs(batch, chunk, config().maxLength(), numItems());
                NDArray logits =
                        block.forward(new ParameterStore(batch, false), in, false)
                                .singletonOrThrow();
                float[] flat = logits.toFloatArray();
                int n = numItems();
                for (int r = 0; r < chunk.size(); r++) {
                    float[] row = new float[n];
                    System.arraycopy(flat, r * n, row, 0, n);
                    out[start + r] = row;
                }
            }
        }
        return out;
    }

    @Override
    public long trainableParameters() {
        return totalParameters();
    }

    @Override
    public long totalParameters() {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Override
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public String chosenSettings() {
        SasRecConfig c = config();
        return String.format(
                "D=%d blocks=%d heads=%d inner=%d dropout=%.2f/%.2f L=%d %s-LN %s lr=%s batch=%d",
                c.hiddenSize(),
                c.numBlocks(),
                c.numHeads(),
                c.innerSize(),
                c.dropout(),
                c.attentionDropout(),
                c.maxLength(),
                c.norm(),
                c.activation(),
                c.learningRate(),
                c.batchSize());
    }

    /**
     * Saves the model as an artifact directory at {@code target} (which must not exist).
     *
     * @param data what the model was trained on
     * @param metrics metrics to record, e.g. "valid.ndcg@10"
     * @param parentVersion version this one derives from, or null
     */
    public ArtifactManifest save(
            Path target, DataDescription data, Map<String, Double> metrics, String parentVersion) {
        Path parent = target.toAbsolutePath().getParent();
        try (ArtifactWriter w = ArtifactWriter.create(KIND, parent)) {
            w.setConfig(new ArtifactConfig(numItems(), config()))
                    .setData(data)
                    .optMetrics(metrics)
                    .optParentVersion(parentVersion)
                    .putParameters(PARAMETERS_FILE, block)
                    .putItemTokens(itemTokens);
            return w.commit(target);
        }
    }

    /**
     * Loads a SASRec artifact after verifying it (checksums, kind, config, parameter shapes, finite
     * values, item table).
     *
     * @throws ArtifactException naming the bad file
     */
    public static SasRecModel load(Path dir) {
        ArtifactReader reader = ArtifactReader.open(dir).requireKind(KIND);
        ArtifactConfig cfg = reader.config(ArtifactConfig.class);
        if (cfg.model() == null || cfg.numItems() < 2) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.CONFIG_FILE,
                    ArtifactManifest.CONFIG_FILE + " lacks the SASRec config or a valid numItems");
        }
        SasRecConfig config;
        try {
            // the record constructor validates values Gson filled in without it
            config = cfg.model().toBuilder().build();
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.CONFIG_FILE,
                    ArtifactManifest.CONFIG_FILE
                            + " holds an invalid SASRec config: "
                            + e.getMessage(),
                    e);
        }
        String[] tokens = reader.readItemTokens(cfg.numItems());
        Model model = Model.newInstance(KIND, "PyTorch");
        try {
            SasRecBlock block = new SasRecBlock(config, cfg.numItems());
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, block.initShapes());
            reader.loadParameters(PARAMETERS_FILE, block, model.getNDManager());
            return new SasRecModel(model, block, tokens, 0, List.of());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The underlying network, for tests in this package. */
    SasRecBlock block() {
        return block;
    }

    NDManager manager() {
        return model.getNDManager();
    }

    /** Frees the model's native memory; further scoring fails. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
