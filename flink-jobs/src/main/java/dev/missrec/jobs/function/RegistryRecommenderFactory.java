package dev.missrec.jobs.function;

import dev.missrec.jobs.event.ModelRef;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.TrainedScorer;
import dev.missrec.model.missrec.MissRecArtifact;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.InferenceEngine;
import dev.missrec.model.serve.LiveItemCatalog;
import dev.missrec.model.serve.ModelRegistry;
import dev.missrec.model.serve.RegisteredModel;
import dev.missrec.model.serve.ScorerRecommender;
import dev.missrec.model.serve.ServingDevice;
import java.nio.file.Path;

/**
 * Loads model versions from the model registry: the configured (or latest) version at start, and
 * the version a {@code ModelUpdate} names on a hot swap — only if its location is inside the
 * registry, every file passes its checksum, its manifest's SHA-256 equals the announced one and its
 * dimensions fit the catalog ({@link CatalogFit}). A MISSRec model is served by the {@link
 * InferenceEngine} over its own items plus the live catalog; other kinds score the item catalog of
 * the dataset they were trained on.
 */
public class RegistryRecommenderFactory implements RecommenderFactory {
    private final String registryRoot;
    private final String initialVersion;
    private final String datasetDir;
    private final boolean excludeSeen;
    private final String device;

    /**
     * @param initialVersion the version to serve at start, or null for the latest
     * @param datasetDir the MISSRec-format dataset whose items the models score
     */
    public RegistryRecommenderFactory(
            String registryRoot, String initialVersion, String datasetDir, boolean excludeSeen) {
        this(registryRoot, initialVersion, datasetDir, excludeSeen, "cpu");
    }

    /**
     * @param initialVersion the version to serve at start, or null for the latest
     * @param datasetDir the MISSRec-format dataset whose items non-MISSRec models score (MISSRec
     *     artifacts carry their own item features; may be null when only those are served)
     * @param device where MISSRec models run: cpu, gpu or gpu:N (a missing GPU falls back to the
     *     CPU with a log line)
     */
    public RegistryRecommenderFactory(
            String registryRoot,
            String initialVersion,
            String datasetDir,
            boolean excludeSeen,
            String device) {
        this.registryRoot = registryRoot;
        this.initialVersion = initialVersion;
        this.datasetDir = datasetDir;
        this.excludeSeen = excludeSeen;
        this.device = device;
    }

    @Override
    public BatchRecommender create() {
        ModelRegistry registry = ModelRegistry.open(Path.of(registryRoot));
        RegisteredModel model =
                initialVersion != null
                        ? registry.get(initialVersion)
                        : registry.latest()
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "the model registry "
                                                                + registryRoot
                                                                + " is empty"));
        return load(model);
    }

    @Override
    public BatchRecommender create(ModelRef ref) {
        ModelRegistry registry = ModelRegistry.open(Path.of(registryRoot));
        Path dir = registry.resolve(ref.registryLocation);
        RegisteredModel model = registry.get(dir.getFileName().toString());
        if (ref.manifestSha256 != null && !ref.manifestSha256.equals(model.manifestSha256())) {
            throw new IllegalStateException(
                    "model "
                            + ref.version
                            + " at "
                            + ref.registryLocation
                            + ": manifest SHA-256 is "
                            + model.manifestSha256()
                            + ", the update announced "
                            + ref.manifestSha256);
        }
        return load(model);
    }

    private BatchRecommender load(RegisteredModel model) {
        if (MissRecArtifact.KIND.equals(model.manifest().modelKind())) {
            if (datasetDir != null) {
                // its feature sizes must be the catalog's; its item table may differ (a
                // fine-tuned child brings the items that appeared since its parent)
                CatalogFit.checkFeatureSizes(model, RecBoleDatasetReader.read(Path.of(datasetDir)));
            }
            // a MISSRec artifact carries its items' features: no dataset needed, and new items
            // from the items topic join its catalog at run time
            return InferenceEngine.load(
                    model.directory(),
                    model.version(),
                    ServingDevice.resolve(device),
                    new InferenceEngine.Options(excludeSeen, true),
                    new LiveItemCatalog());
        }
        if (datasetDir == null) {
            throw new IllegalStateException(
                    "model "
                            + model.version()
                            + " is a "
                            + model.manifest().modelKind()
                            + " model, which scores the items of its training dataset: give the"
                            + " dataset directory");
        }
        SequenceDataset data = RecBoleDatasetReader.read(Path.of(datasetDir));
        CatalogFit.check(model, data);
        TrainedScorer scorer =
                ModelCatalog.standard()
                        .artifactsForKind(model.manifest().modelKind())
                        .load(model.directory(), data);
        return new ScorerRecommender(scorer, data.itemTokens(), model.version(), excludeSeen);
    }
}
