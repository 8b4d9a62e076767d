package dev.missrec.it.hotswap;

import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.RecBoleDatasetWriter;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import dev.missrec.model.sasrec.SasRecModel;
import dev.missrec.model.sasrec.SasRecTrainer;
import dev.missrec.model.serve.ModelRegistry;
import dev.missrec.model.serve.RegisteredModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model registry with real trained models for tests: a seeded synthetic dataset written in the
 * MISSRec file format (as {@code missrec generate} does), and small SASRec models trained on it
 * with different seeds, published as v000001, v000002, ...
 *
 * @param datasetDir the dataset directory the models score
 * @param registryDir the registry root
 * @param data the dataset as read back from {@code datasetDir}
 * @param versions the published versions, in order
 */
public record TrainedRegistry(
        Path datasetDir, Path registryDir, SequenceDataset data, List<RegisteredModel> versions) {

    /** Items of the served catalog. */
    public static final int ITEMS = 60;

    /** Feature size of the served catalog's text and image features. */
    public static final int FEATURE_DIM = 32;

    public static TrainedRegistry create(Path dir, int versions) throws IOException {
        SequenceDataset generated =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(120)
                                        .optItems(ITEMS)
                                        .optFeatureDim(FEATURE_DIM)
                                        .optSeed(5)
                                        .build())
                        .generate();
        Path datasetDir = dir.resolve("synthetic");
        RecBoleDatasetWriter.write(generated, datasetDir);
        // as `generate` then `train --dataset`: the models know the ids of the files they serve
        SequenceDataset data = RecBoleDatasetReader.read(datasetDir);
        Path registryDir = dir.resolve("registry");
        ModelRegistry registry = ModelRegistry.open(registryDir);
        List<RegisteredModel> published = new java.util.ArrayList<>();
        for (int seed = 1; seed <= versions; seed++) {
            Path out = dir.resolve("sasrec-" + seed);
            try (SasRecModel model =
                    (SasRecModel)
                            new SasRecTrainer()
                                    .fit(data, new TrainSettings("tiny", seed, 2, 1, false))) {
                model.save(
                        out,
                        new DataDescription(data.name(), data.numUsers(), data.numItems(), 0, null),
                        Map.of(),
                        null);
            }
            published.add(registry.publishCopy(out));
        }
        return new TrainedRegistry(datasetDir, registryDir, data, List.copyOf(published));
    }

    /**
     * Trains {@code model} on a variant of this registry's dataset (same users and seed, {@code
     * items} items, {@code featureDim}-dimensional features) and publishes it here as the next
     * version: a valid artifact that does not fit the served catalog when a size differs.
     */
    public RegisteredModel publishVariant(Path dir, String model, int items, int featureDim)
            throws IOException {
        SequenceDataset generated =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(120)
                                        .optItems(items)
                                        .optFeatureDim(featureDim)
                                        .optSeed(5)
                                        .build())
                        .generate();
        String name = model + "-" + items + "x" + featureDim;
        Path variantDir = dir.resolve("data-" + name);
        RecBoleDatasetWriter.write(generated, variantDir);
        SequenceDataset variant = RecBoleDatasetReader.read(variantDir);
        ModelCatalog catalog = ModelCatalog.standard();
        Path out = dir.resolve(name);
        try (TrainedScorer scorer =
                catalog.trainer(model).fit(variant, new TrainSettings("tiny", 1, 1, 1, false))) {
            catalog.artifacts(model)
                    .orElseThrow()
                    .save(
                            scorer,
                            out,
                            new DataDescription(variant.name(), variant.numUsers(), items, 0, null),
                            Map.of());
        }
        return ModelRegistry.open(registryDir).publishCopy(out);
    }
}
