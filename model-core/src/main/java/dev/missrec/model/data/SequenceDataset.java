package dev.missrec.model.data;

import java.util.List;
import java.util.Objects;

/**
 * A sequential-recommendation dataset in internal ids, split leave-one-out into train, valid and
 * test cases (MISSREC-SPEC.md §1.4).
 *
 * <p>Internal item ids run 1..{@code numItems()-1}; id 0 is padding. {@code numItems()} therefore
 * counts PAD, like RecBole's {@code item_num} (N in the spec).
 *
 * @param name short name, e.g. "Scientific"
 * @param numUsers number of real users
 * @param itemTokens internal id to the dataset's item token; index 0 is "[PAD]"
 * @param itemTexts internal id to the item's text, or null when the dataset has none
 * @param textFeatures text features [N, P_text], or null when the modality is absent
 * @param imageFeatures image features [N, P_img], or null when the modality is absent
 * @param train training cases
 * @param valid validation cases (one per user)
 * @param test test cases (one per user)
 */
public record SequenceDataset(
        String name,
        int numUsers,
        String[] itemTokens,
        String[] itemTexts,
        ItemFeatureTable textFeatures,
        ItemFeatureTable imageFeatures,
        List<SequenceExample> train,
        List<SequenceExample> valid,
        List<SequenceExample> test) {

    public SequenceDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(itemTokens, "itemTokens");
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
        int n = itemTokens.length;
        if (textFeatures != null && textFeatures.rows() != n) {
            throw new IllegalArgumentException(
                    "text features have " + textFeatures.rows() + " rows, expected " + n);
        }
        if (imageFeatures != null && imageFeatures.rows() != n) {
            throw new IllegalArgumentException(
                    "image features have " + imageFeatures.rows() + " rows, expected " + n);
        }
    }

    /** N: number of items including the padding item 0. */
    public int numItems() {
        return itemTokens.length;
    }
}
