package dev.missrec.jobs.feed;

import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dataset's items as the items topic carries them, and the item-id-to-text lookup {@code missrec
 * consume} prints recommendations with.
 */
public final class ItemCatalog {
    private ItemCatalog() {}

    /**
     * One ACTIVE {@link ItemFeatures} per real item of {@code data} (internal ids 1..N-1, in id
     * order), keyed by the item token. A modality whose row is all zeros is the dataset's way of
     * saying the item lacks it (MISSREC-SPEC.md §1.1), so it becomes null here, not a zero vector.
     *
     * @param textModel name of the text feature space, or null when unknown
     * @param imageModel name of the image feature space, or null when unknown
     * @param updateTime the records' {@code updateTime}
     */
    public static List<ItemFeatures> features(
            SequenceDataset data, String textModel, String imageModel, Instant updateTime) {
        String[] tokens = data.itemTokens();
        String[] texts = data.itemTexts();
        List<ItemFeatures> items = new ArrayList<>(tokens.length - 1);
        for (int id = 1; id < tokens.length; id++) {
            List<Float> text = row(data.textFeatures(), id);
            List<Float> image = row(data.imageFeatures(), id);
            items.add(
                    ItemFeatures.newBuilder()
                            .setItemId(tokens[id])
                            .setStatus(ItemStatus.ACTIVE)
                            .setText(texts == null || isBlank(texts[id]) ? null : texts[id])
                            .setTextEmbedding(text)
                            .setTextEmbeddingModel(text == null ? null : textModel)
                            .setImageEmbedding(image)
                            .setImageEmbeddingModel(image == null ? null : imageModel)
                            .setUpdateTime(updateTime)
                            .build());
        }
        return items;
    }

    /** Item token to item text, for the items of {@code data} that have text. */
    public static Map<String, String> texts(SequenceDataset data) {
        String[] tokens = data.itemTokens();
        String[] texts = data.itemTexts();
        Map<String, String> byId = new HashMap<>();
        if (texts != null) {
            for (int id = 1; id < tokens.length; id++) {
                if (!isBlank(texts[id])) {
                    byId.put(tokens[id], texts[id].strip());
                }
            }
        }
        return byId;
    }

    /** A lookup that knows no item (recommendations are then printed with ids only). */
    public static java.util.function.Function<String, Optional<String>> noTexts() {
        return id -> Optional.empty();
    }

    private static List<Float> row(ItemFeatureTable table, int id) {
        if (table == null || table.isEmpty(id)) {
            return null;
        }
        float[] values = table.row(id);
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
