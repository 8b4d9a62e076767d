package dev.missrec.model.eval;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The cold-start protocol: a seeded draw of a fraction of the items is held out of training
 * entirely, and the test cases whose target is such an item are evaluated separately ({@code
 * test_cold}).
 *
 * <p>What each split keeps:
 *
 * <ul>
 *   <li>train and valid: every case whose target is held out is dropped, and held-out items are
 *       removed from the remaining histories (a case whose history becomes empty is dropped). The
 *       remaining prefixes are exactly those of the users' sequences with the held-out items cut
 *       out, so nothing in training or ordinary model selection mentions a held-out item. The
 *       dropped validation cases whose target is held out are kept apart, unchanged, as {@link
 *       SequenceDataset#coldValid()}: settings that concern new items are chosen on them, never on
 *       test.
 *   <li>test: unchanged, so {@code test} stays comparable with a run without held-out items. A cold
 *       case's history may therefore contain held-out items: the user clicked them before the
 *       target, as happens in the stream once a new item is live and before any retraining. Each
 *       model sees such an item only through what it has for an item it never trained on: MISSRec
 *       and the content baselines its features (MISSRec assigns it the nearest interest centroid),
 *       SASRec its untrained ID row, the counting baselines nothing.
 * </ul>
 *
 * <p>The held-out items stay in the catalog (same ids, same feature rows) and are named by {@link
 * SequenceDataset#heldOutItems()}; trainers that rank over the catalog treat them as not existing
 * yet (MISSRec leaves them out of its training softmax and out of interest discovery), as a model
 * trained before the items appeared would.
 */
public final class ColdStartSplit {
    private ColdStartSplit() {}

    /**
     * Holds out {@code round(fraction * (N - 1))} items drawn uniformly with {@code seed}.
     *
     * @throws IllegalArgumentException if the fraction is not in (0, 1) or the draw leaves no
     *     training or validation case
     */
    public static SequenceDataset apply(SequenceDataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "cold-start fraction must be in (0, 1), got " + fraction);
        }
        if (data.heldOutItems().length > 0) {
            throw new IllegalArgumentException(
                    "dataset " + data.name() + " already has held-out items");
        }
        int items = data.numItems() - 1;
        int count = (int) Math.round(fraction * items);
        if (count < 1 || count >= items) {
            throw new IllegalArgumentException(
                    "a fraction of "
                            + fraction
                            + " of "
                            + items
                            + " items holds out "
                            + count
                            + "; need at least one held-out and one remaining item");
        }
        int[] ids = new int[items];
        for (int i = 0; i < items; i++) {
            ids[i] = i + 1;
        }
        Random random = new Random(seed);
        for (int i = items - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        return holdOut(data, Arrays.copyOf(ids, count));
    }

    /** Holds out exactly {@code heldOut} (item ids in 1..N-1). */
    public static SequenceDataset holdOut(SequenceDataset data, int[] heldOut) {
        boolean[] cold = new boolean[data.numItems()];
        for (int item : heldOut) {
            if (item < 1 || item >= cold.length) {
                throw new IllegalArgumentException(
                        "held-out item " + item + " outside 1.." + (cold.length - 1));
            }
            cold[item] = true;
        }
        List<SequenceExample> train = withoutItems(data.train(), cold);
        List<SequenceExample> valid = withoutItems(data.valid(), cold);
        if (train.isEmpty() || valid.isEmpty()) {
            throw new IllegalArgumentException(
                    "holding out "
                            + heldOut.length
                            + " items leaves no training or no validation case in "
                            + data.name());
        }
        return new SequenceDataset(
                data.name(),
                data.numUsers(),
                data.itemTokens(),
                data.itemTexts(),
                data.textFeatures(),
                data.imageFeatures(),
                train,
                valid,
                data.test(),
                heldOut,
                data.valid().stream().filter(c -> cold[c.target()]).toList());
    }

    private static List<SequenceExample> withoutItems(List<SequenceExample> cases, boolean[] cold) {
        List<SequenceExample> out = new ArrayList<>(cases.size());
        for (SequenceExample c : cases) {
            if (cold[c.target()]) {
                continue;
            }
            int[] history = Arrays.stream(c.history()).filter(i -> !cold[i]).toArray();
            if (history.length > 0) {
                out.add(new SequenceExample(c.user(), history, c.target()));
            }
        }
        return out;
    }
}
