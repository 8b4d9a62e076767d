package dev.missrec.model.missrec;

import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import java.util.ArrayList;
import java.util.List;

/**
 * The training sequences of one or several datasets in one catalog for pre-training
 * (MISSREC-SPEC.md §1.2-1.3, §3.1): each dataset's items keep their own rows, renamed {@code
 * "<datasetIndex>-<token>"} as the reference's {@code "{domainIdx}-{idx}"} tokens, so the same
 * token in two datasets stays two items. Only training cases are used, as the reference's {@code
 * benchmark_filename: [train]}: nothing of a dataset's valid or test cases reaches pre-training.
 *
 * @param name the datasets' names joined with "+"
 * @param itemTokens internal id to token, index 0 = "[PAD]"
 * @param text text features (N, P_t), a missing modality as all-zero rows
 * @param image image features (N, P_v)
 * @param wordDroppedText text features of word-dropped item texts (the reference's feat2CLS), or
 *     null when the datasets provide none; then every batch augments by item drop
 * @param train every dataset's training cases in the shared ids
 * @param users users summed over the datasets
 */
public record PretrainingCorpus(
        String name,
        String[] itemTokens,
        ItemFeatureTable text,
        ItemFeatureTable image,
        ItemFeatureTable wordDroppedText,
        List<SequenceExample> train,
        int users) {

    public PretrainingCorpus {
        train = List.copyOf(train);
        if (text.rows() != itemTokens.length || image.rows() != itemTokens.length) {
            throw new IllegalArgumentException(
                    "feature tables and item tokens disagree on N: "
                            + text.rows()
                            + ", "
                            + image.rows()
                            + ", "
                            + itemTokens.length);
        }
        if (wordDroppedText != null
                && (wordDroppedText.rows() != text.rows() || wordDroppedText.dim() != text.dim())) {
            throw new IllegalArgumentException("word-dropped text table does not match the text");
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training sequences to pre-train on");
        }
    }

    /** N, items including PAD. */
    public int numItems() {
        return itemTokens.length;
    }

    /**
     * Mixes the training cases of {@code datasets}. All must have the same feature sizes per
     * modality (a dataset without a modality gets all-zero rows of the others' size).
     *
     * @throws IllegalArgumentException if feature sizes differ or a dataset has no features
     */
    public static PretrainingCorpus of(List<SequenceDataset> datasets) {
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("no dataset to pre-train on");
        }
        int textDim = -1;
        int imageDim = -1;
        for (SequenceDataset d : datasets) {
            ItemFeatureTable[] f = MissRecTrainer.featureTables(d);
            textDim = sameDim("text", textDim, f[0].dim(), d);
            imageDim = sameDim("image", imageDim, f[1].dim(), d);
        }
        int n = 1;
        for (SequenceDataset d : datasets) {
            n += d.numItems() - 1;
        }
        String[] tokens = new String[n];
        tokens[0] = "[PAD]";
        float[] text = new float[n * textDim];
        float[] image = new float[n * imageDim];
        List<SequenceExample> train = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int offset = 0;
        int userOffset = 0;
        int users = 0;
        for (int di = 0; di < datasets.size(); di++) {
            SequenceDataset d = datasets.get(di);
            ItemFeatureTable[] f = MissRecTrainer.featureTables(d);
            int items = d.numItems() - 1;
            for (int i = 1; i <= items; i++) {
                tokens[offset + i] = di + "-" + d.itemTokens()[i];
            }
            // rows 1..items of the dataset go to rows offset+1..offset+items
            System.arraycopy(f[0].data(), textDim, text, (offset + 1) * textDim, items * textDim);
            System.arraycopy(
                    f[1].data(), imageDim, image, (offset + 1) * imageDim, items * imageDim);
            for (SequenceExample e : d.train()) {
                int[] h = e.history().clone();
                for (int j = 0; j < h.length; j++) {
                    h[j] += offset;
                }
                train.add(new SequenceExample(e.user() + userOffset, h, e.target() + offset));
            }
            names.add(d.name());
            offset += items;
            userOffset += d.numUsers() + 1;
            users += d.numUsers();
        }
        return new PretrainingCorpus(
                String.join("+", names),
                tokens,
                new ItemFeatureTable(n, textDim, text),
                new ItemFeatureTable(n, imageDim, image),
                null,
                train,
                users);
    }

    private static int sameDim(String what, int seen, int dim, SequenceDataset d) {
        if (seen >= 0 && seen != dim) {
            throw new IllegalArgumentException(
                    "dataset "
                            + d.name()
                            + " has "
                            + what
                            + " features of size "
                            + dim
                            + ", the others "
                            + seen
                            + ": datasets pre-trained together need the same feature encoder");
        }
        return dim;
    }
}
