package dev.missrec.model.data;

import java.util.Arrays;
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
 * @param heldOutItems items whose interactions were held out of train and valid (the cold-start
 *     protocol, {@code dev.missrec.model.eval.ColdStartSplit}), sorted ascending, empty for an
 *     ordinary dataset: they are in the catalog with their features, but training must treat them
 *     as not existing yet
 * @param coldValid the validation cases whose target is a held-out item, histories unchanged (as in
 *     test): for choosing settings that concern new items without looking at test; never used for
 *     training
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
        List<SequenceExample> test,
        int[] heldOutItems,
        List<SequenceExample> coldValid) {

    /** A dataset with held-out items but no cold validation cases. */
    public SequenceDataset(
            String name,
            int numUsers,
            String[] itemTokens,
            String[] itemTexts,
            ItemFeatureTable textFeatures,
            ItemFeatureTable imageFeatures,
            List<SequenceExample> train,
            List<SequenceExample> valid,
            List<SequenceExample> test,
            int[] heldOutItems) {
        this(
                name,
                numUsers,
                itemTokens,
                itemTexts,
                textFeatures,
                imageFeatures,
                train,
                valid,
                test,
                heldOutItems,
                List.of());
    }

    /** A dataset with no held-out items. */
    public SequenceDataset(
            String name,
            int numUsers,
            String[] itemTokens,
            String[] itemTexts,
            ItemFeatureTable textFeatures,
            ItemFeatureTable imageFeatures,
            List<SequenceExample> train,
            List<SequenceExample> valid,
            List<SequenceExample> test) {
        this(
                name,
                numUsers,
                itemTokens,
                itemTexts,
                textFeatures,
                imageFeatures,
                train,
                valid,
                test,
                new int[0]);
    }

    public SequenceDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(itemTokens, "itemTokens");
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
        coldValid = List.copyOf(coldValid);
        int n = itemTokens.length;
        if (textFeatures != null && textFeatures.rows() != n) {
            throw new IllegalArgumentException(
                    "text features have " + textFeatures.rows() + " rows, expected " + n);
        }
        if (imageFeatures != null && imageFeatures.rows() != n) {
            throw new IllegalArgumentException(
                    "image features have " + imageFeatures.rows() + " rows, expected " + n);
        }
        heldOutItems = heldOutItems.clone();
        Arrays.sort(heldOutItems);
        for (int i = 0; i < heldOutItems.length; i++) {
            int item = heldOutItems[i];
            if (item < 1 || item >= n || (i > 0 && heldOutItems[i - 1] == item)) {
                throw new IllegalArgumentException(
                        "held-out item " + item + " is a duplicate or outside 1.." + (n - 1));
            }
        }
    }

    /**
     * Which items training may know: {@code known[i]} is false for PAD and for every held-out item;
     * length N.
     */
    public boolean[] knownItems() {
        boolean[] known = new boolean[numItems()];
        Arrays.fill(known, 1, known.length, true);
        for (int item : heldOutItems) {
            known[item] = false;
        }
        return known;
    }

    /** The test cases whose target is a held-out item; empty without held-out items. */
    public List<SequenceExample> coldTest() {
        if (heldOutItems.length == 0) {
            return List.of();
        }
        return test.stream()
                .filter(c -> Arrays.binarySearch(heldOutItems, c.target()) >= 0)
                .toList();
    }

    /** N: number of items including the padding item 0. */
    public int numItems() {
        return itemTokens.length;
    }
}
