package dev.missrec.model.missrec;

import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.ArtifactReader;
import dev.missrec.model.artifact.ArtifactWriter;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.interest.InterestTables;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves and loads a MISSRec model as a versioned artifact directory (the {@code artifact} package's
 * manifest with SHA-256 of every file): parameters, config, the raw feature tables, the interest
 * tables the weights were selected with, and the item-id mapping; everything needed to serve it.
 */
public final class MissRecArtifact {
    /** The artifact kind recorded in the manifest. */
    public static final String KIND = "missrec";

    static final String PARAMETERS_FILE = "parameters.bin";
    static final String TEXT_FILE = "text_features.f32";
    static final String IMAGE_FILE = "image_features.f32";
    static final String INTEREST_EMBEDDINGS_FILE = "interest_embeddings.f32";
    static final String TEXT_INTERESTS_FILE = "text_interests.i32";
    static final String IMAGE_INTERESTS_FILE = "image_interests.i32";
    static final String ITEMS_FILE = ArtifactManifest.ITEM_TOKENS_FILE;

    private MissRecArtifact() {}

    /**
     * The config file's content.
     *
     * @param numItems N including PAD
     * @param textDim text feature size
     * @param imageDim image feature size
     * @param interests K, the number of interest clusters
     * @param model the hyper-parameters
     */
    public record ArtifactConfig(
            int numItems, int textDim, int imageDim, int interests, MissRecConfig model) {}

    /** A loaded model with its item-id mapping; close the model after last use. */
    public record Loaded(MissRecModel model, String[] itemTokens, ArtifactManifest manifest) {}

    /**
     * Saves {@code model} at {@code target} (which must not exist).
     *
     * @param itemTokens internal id to item token, index 0 = "[PAD]"
     * @param data what the model was trained on
     * @param metrics metrics to record, e.g. "valid.ndcg@10"
     */
    public static ArtifactManifest save(
            MissRecModel model,
            String[] itemTokens,
            Path target,
            DataDescription data,
            Map<String, Double> metrics) {
        return save(model, itemTokens, target, data, metrics, null);
    }

    /**
     * Saves {@code model} at {@code target} (which must not exist) as derived from another version.
     *
     * @param parentVersion the version it was fine-tuned from, recorded in the manifest, or null
     */
    public static ArtifactManifest save(
            MissRecModel model,
            String[] itemTokens,
            Path target,
            DataDescription data,
            Map<String, Double> metrics,
            String parentVersion) {
        int n = model.numItems();
        if (itemTokens.length != n) {
            throw new IllegalArgumentException(
                    itemTokens.length + " item tokens for a model of " + n + " items");
        }
        InterestTables it = model.interests();
        if (it == null) {
            throw new IllegalStateException("the model has no interest tables to save");
        }
        ItemFeatureTable text = model.textFeatures();
        ItemFeatureTable image = model.imageFeatures();
        Path parent = target.toAbsolutePath().getParent();
        try (ArtifactWriter w = ArtifactWriter.create(KIND, parent)) {
            w.setConfig(new ArtifactConfig(n, text.dim(), image.dim(), it.k(), model.config()))
                    .setData(data)
                    .optMetrics(metrics)
                    .optParentVersion(parentVersion)
                    .putParameters(PARAMETERS_FILE, model.block())
                    .putFloats(TEXT_FILE, text.data(), n, text.dim())
                    .putFloats(IMAGE_FILE, image.data(), n, image.dim())
                    .putFloats(INTEREST_EMBEDDINGS_FILE, it.embeddings(), it.k() + 1, it.dim())
                    .putInts(TEXT_INTERESTS_FILE, it.textLookup(), n)
                    .putInts(IMAGE_INTERESTS_FILE, it.imageLookup(), n)
                    .putItemTokens(itemTokens);
            return w.commit(target);
        }
    }

    /**
     * Loads a MISSRec artifact after verifying it (checksums, kind, config, tensor shapes,
     * parameter shapes, finite values, item table).
     *
     * @throws ArtifactException naming the bad file
     */
    public static Loaded load(Path dir) {
        return load(dir, null);
    }

    /**
     * As {@link #load(Path)}, with the model on {@code device} (null: the engine's default).
     *
     * @throws ArtifactException naming the bad file
     */
    public static Loaded load(Path dir, ai.djl.Device device) {
        ArtifactReader reader = ArtifactReader.open(dir).requireKind(KIND);
        ArtifactConfig cfg = reader.config(ArtifactConfig.class);
        if (cfg == null || cfg.model() == null || cfg.numItems() < 2 || cfg.interests() < 1) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.CONFIG_FILE,
                    ArtifactManifest.CONFIG_FILE
                            + " lacks the MISSRec config, a valid numItems or interests");
        }
        MissRecConfig config;
        try {
            // the record constructor validates values Gson filled in without it
            config = cfg.model().toBuilder().build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.CONFIG_FILE,
                    ArtifactManifest.CONFIG_FILE
                            + " holds an invalid MISSRec config: "
                            + e.getMessage(),
                    e);
        }
        int n = cfg.numItems();
        ItemFeatureTable text =
                new ItemFeatureTable(
                        n, cfg.textDim(), reader.readFloats(TEXT_FILE, n, cfg.textDim()));
        ItemFeatureTable image =
                new ItemFeatureTable(
                        n, cfg.imageDim(), reader.readFloats(IMAGE_FILE, n, cfg.imageDim()));
        float[] centroids =
                reader.readFloats(
                        INTEREST_EMBEDDINGS_FILE, cfg.interests() + 1, config.hiddenSize());
        int[] textInterests = reader.readInts(TEXT_INTERESTS_FILE, n);
        int[] imageInterests = reader.readInts(IMAGE_INTERESTS_FILE, n);
        checkInterestIds(TEXT_INTERESTS_FILE, textInterests, cfg.interests());
        checkInterestIds(IMAGE_INTERESTS_FILE, imageInterests, cfg.interests());
        String[] tokens = reader.readItemTokens(n);
        MissRecModel model = MissRecModel.create(config, text, image, device);
        try {
            reader.loadParameters(PARAMETERS_FILE, model.block(), model.manager());
            model.setInterests(
                    new InterestTables(
                            textInterests,
                            imageInterests,
                            centroids,
                            cfg.interests(),
                            config.hiddenSize()));
            return new Loaded(model, tokens, reader.manifest());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void checkInterestIds(String file, int[] ids, int k) {
        for (int i = 0; i < ids.length; i++) {
            boolean ok = i == 0 ? ids[i] == 0 : ids[i] >= 1 && ids[i] <= k;
            if (!ok) {
                throw new ArtifactException(
                        ArtifactException.Problem.SHAPE_MISMATCH,
                        file,
                        file
                                + " maps item "
                                + i
                                + " to interest "
                                + ids[i]
                                + " (expected "
                                + (i == 0 ? "0 for PAD" : "1.." + k)
                                + ")");
            }
        }
    }
}
