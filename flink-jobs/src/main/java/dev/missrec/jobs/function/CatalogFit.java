package dev.missrec.jobs.function;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.serve.RegisteredModel;

/**
 * Refuses, before anything is loaded, a registered model whose dimensions do not fit the item
 * catalog the job serves: another number of items, or item features of another size than the
 * catalog's (a model scores new items from their features, so it must read the catalog's vectors).
 * Read from the manifest's config, which records {@code numItems} for every model and {@code
 * textDim} / {@code imageDim} for models that use item features.
 */
final class CatalogFit {
    private CatalogFit() {}

    /**
     * @throws IllegalStateException naming the model, the dimension and both sizes
     */
    static void check(RegisteredModel model, SequenceDataset catalog) {
        JsonObject config = model.manifest().config();
        Integer items = intField(config, "numItems");
        if (items != null && items != catalog.numItems()) {
            throw misfit(
                    model,
                    "its item table has "
                            + items
                            + " rows (PAD included), catalog "
                            + catalog.name()
                            + " has "
                            + catalog.numItems());
        }
        checkFeatureSizes(model, catalog);
    }

    /**
     * Only the feature sizes (for models that score items from features and may bring items the
     * catalog does not have yet).
     *
     * @throws IllegalStateException naming the model, the modality and both sizes
     */
    static void checkFeatureSizes(RegisteredModel model, SequenceDataset catalog) {
        JsonObject config = model.manifest().config();
        checkFeatureSize(model, config, "textDim", "text", catalog.textFeatures(), catalog);
        checkFeatureSize(model, config, "imageDim", "image", catalog.imageFeatures(), catalog);
    }

    private static void checkFeatureSize(
            RegisteredModel model,
            JsonObject config,
            String field,
            String modality,
            ItemFeatureTable catalogFeatures,
            SequenceDataset catalog) {
        Integer dim = intField(config, field);
        if (dim == null || catalogFeatures == null || dim == catalogFeatures.dim()) {
            return;
        }
        throw misfit(
                model,
                "it reads "
                        + dim
                        + "-dimensional "
                        + modality
                        + " features, catalog "
                        + catalog.name()
                        + " has "
                        + catalogFeatures.dim()
                        + "-dimensional ones");
    }

    private static Integer intField(JsonObject config, String name) {
        JsonElement e = config.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                ? e.getAsInt()
                : null;
    }

    private static IllegalStateException misfit(RegisteredModel model, String why) {
        return new IllegalStateException(
                "model " + model.version() + " does not fit the served catalog: " + why);
    }
}
