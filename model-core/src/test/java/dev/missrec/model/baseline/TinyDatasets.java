package dev.missrec.model.baseline;

import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.LeaveOneOutSplit;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.TrainSettings;
import java.util.ArrayList;
import java.util.List;

/** Hand-made datasets whose expected rankings can be worked out on paper. */
final class TinyDatasets {
    static final TrainSettings SETTINGS = new TrainSettings("tiny", 1, 1, 1, false);

    private TinyDatasets() {}

    /** Leave-one-out splits of {@code sequences} (user u = index + 1) over items 1..numItems-1. */
    static SequenceDataset of(
            int numItems, ItemFeatureTable text, ItemFeatureTable image, int[]... sequences) {
        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        for (int u = 0; u < sequences.length; u++) {
            LeaveOneOutSplit.split(u + 1, sequences[u], 50, train, valid, test);
        }
        String[] tokens = new String[numItems];
        tokens[0] = "[PAD]";
        for (int i = 1; i < numItems; i++) {
            tokens[i] = "t" + i;
        }
        return new SequenceDataset(
                "tiny", sequences.length, tokens, null, text, image, train, valid, test);
    }

    static SequenceDataset of(int numItems, int[]... sequences) {
        return of(numItems, null, null, sequences);
    }

    /** Items ranked by score, best first (PAD excluded; ties by id). */
    static List<Integer> ranking(float[] scores) {
        List<Integer> items = new ArrayList<>();
        for (int i = 1; i < scores.length; i++) {
            items.add(i);
        }
        items.sort((a, b) -> Float.compare(scores[b], scores[a]));
        return items;
    }
}
