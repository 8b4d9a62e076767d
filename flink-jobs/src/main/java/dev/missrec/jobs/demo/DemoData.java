package dev.missrec.jobs.demo;

import dev.missrec.jobs.feed.ClickStreams;
import dev.missrec.jobs.feed.ItemCatalog;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.MovieLensLog;
import dev.missrec.model.data.MovieLensReader;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.text.CachingTextEncoder;
import dev.missrec.model.text.MiniLmTextEncoder;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the demo replays: a dataset's click stream and item catalog, split into the items the model
 * is trained on and a few <em>new</em> items that the model never sees and that appear on the items
 * topic midway. Their clicks are held back until then, as a real catalog's new items have no clicks
 * before they exist.
 *
 * @param name the dataset's name
 * @param training the dataset without the new items (their interactions removed), to train on
 * @param clicks the click stream to replay, in event-time order
 * @param knownItems items-topic records of the trained items
 * @param newItems items-topic records of the new items
 * @param texts item id to display text
 */
record DemoData(
        String name,
        SequenceDataset training,
        List<ClickEvent> clicks,
        List<ItemFeatures> knownItems,
        List<ItemFeatures> newItems,
        Map<String, String> texts) {

    /** The new items' ids. */
    Set<String> newItemIds() {
        Set<String> ids = new HashSet<>();
        newItems.forEach(i -> ids.add(i.getItemId()));
        return ids;
    }

    /** The default: a seeded synthetic multi-modal dataset, nothing downloaded. */
    static DemoData synthetic(int users, int items, int newItems, int events, long seed) {
        SequenceDataset full =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(users)
                                        .optItems(items)
                                        .optTopics(8)
                                        .optFeatureDim(32)
                                        .optSeed(seed)
                                        .build())
                        .generate();
        return fromDataset(full, newItems, events, "synthetic-text", "synthetic-image");
    }

    /** A MISSRec/RecBole dataset directory, e.g. Amazon Scientific with CLIP features. */
    static DemoData recBole(Path dir, int newItems, int events) {
        String name = RecBoleDatasetReader.detectName(dir);
        // whole sequences: the stream carries every interaction
        SequenceDataset full = RecBoleDatasetReader.read(dir, name, Integer.MAX_VALUE);
        return fromDataset(full, newItems, events, name + ".feat1CLS", name + ".feat3CLS");
    }

    private static DemoData fromDataset(
            SequenceDataset full, int newItems, int events, String textModel, String imageModel) {
        Duration step = Duration.ofSeconds(1);
        Instant first =
                Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(ClickStreams.span(full, step));
        List<ClickEvent> clicks = ClickStreams.synthesised(full, first, step);
        List<ItemFeatures> catalog =
                ItemCatalog.features(full, textModel, imageModel, first.minusMillis(1));
        return split(full.name(), full, limit(clicks, events), catalog, newItems);
    }

    private static List<ClickEvent> limit(List<ClickEvent> clicks, int events) {
        return events > 0 && events < clicks.size() ? clicks.subList(0, events) : clicks;
    }

    /** MovieLens with its real timestamps; item texts embedded by all-MiniLM-L6-v2 (cached). */
    static DemoData movieLens(Path dir, int newItems, int events, Path textCache) {
        MovieLensLog log = MovieLensReader.readLog(dir, MovieLensReader.Options.builder().build());
        ItemFeatureTable text;
        String textModel;
        try (CachingTextEncoder encoder =
                new CachingTextEncoder(new MiniLmTextEncoder(), textCache)) {
            text = MovieLensReader.embed(log.itemTexts(), encoder);
            textModel = encoder.modelId();
        }
        SequenceDataset full = log.toDataset(text, null);
        List<ClickEvent> clicks = ClickStreams.timestamped(log);
        Instant catalogTime =
                clicks.isEmpty() ? Instant.now() : clicks.get(0).getEventTime().minusMillis(1);
        List<ItemFeatures> catalog = ItemCatalog.features(full, textModel, null, catalogTime);
        return split(log.name(), full, limit(clicks, events), catalog, newItems);
    }

    /**
     * Picks the new items: the {@code newItems} items clicked most in the second half of the
     * replayed stream — products that launch midway and catch on, the case cold start is about —
     * and removes them from the training data.
     */
    private static DemoData split(
            String name,
            SequenceDataset full,
            List<ClickEvent> clicks,
            List<ItemFeatures> catalog,
            int newItems) {
        int n = full.numItems();
        if (newItems < 0 || newItems > (n - 1) / 2) {
            throw new IllegalArgumentException(
                    "--new-items must be between 0 and half of the "
                            + (n - 1)
                            + " items, got "
                            + newItems);
        }
        Map<String, Integer> laterClicks = new HashMap<>();
        for (ClickEvent c : clicks.subList(clicks.size() / 2, clicks.size())) {
            laterClicks.merge(c.getItemId(), 1, Integer::sum);
        }
        String[] tokens = full.itemTokens();
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id < n; id++) {
            ids.add(id);
        }
        ids.sort(
                (a, b) -> {
                    int c =
                            Integer.compare(
                                    laterClicks.getOrDefault(tokens[b], 0),
                                    laterClicks.getOrDefault(tokens[a], 0));
                    return c != 0 ? c : Integer.compare(a, b);
                });
        boolean[] removed = new boolean[n];
        for (int id : ids.subList(0, newItems)) {
            removed[id] = true;
        }
        Map<String, String> texts = ItemCatalog.texts(full);
        // catalog records are in id order: 1..N-1
        List<ItemFeatures> known = new ArrayList<>();
        List<ItemFeatures> fresh = new ArrayList<>();
        for (int id = 1; id < n; id++) {
            (removed[id] ? fresh : known).add(catalog.get(id - 1));
        }
        return new DemoData(name, without(full, removed), clicks, known, fresh, texts);
    }

    /**
     * {@code data} without the removed items: they leave the item and feature tables (the others
     * are renumbered in order) and every history; a case whose target is removed, or whose history
     * becomes empty, is dropped.
     */
    static SequenceDataset without(SequenceDataset data, boolean[] removed) {
        int n = data.numItems();
        int[] newId = new int[n];
        int kept = 1;
        for (int id = 1; id < n; id++) {
            newId[id] = removed[id] ? -1 : kept++;
        }
        String[] tokens = new String[kept];
        String[] texts = data.itemTexts() == null ? null : new String[kept];
        tokens[0] = data.itemTokens()[0];
        if (texts != null) {
            texts[0] = data.itemTexts()[0];
        }
        for (int id = 1; id < n; id++) {
            if (newId[id] > 0) {
                tokens[newId[id]] = data.itemTokens()[id];
                if (texts != null) {
                    texts[newId[id]] = data.itemTexts()[id];
                }
            }
        }
        return new SequenceDataset(
                data.name(),
                data.numUsers(),
                tokens,
                texts,
                keepRows(data.textFeatures(), newId, kept),
                keepRows(data.imageFeatures(), newId, kept),
                keep(data.train(), newId),
                keep(data.valid(), newId),
                keep(data.test(), newId));
    }

    private static ItemFeatureTable keepRows(ItemFeatureTable t, int[] newId, int rows) {
        if (t == null) {
            return null;
        }
        float[] out = new float[rows * t.dim()];
        for (int id = 1; id < newId.length; id++) {
            if (newId[id] > 0) {
                System.arraycopy(t.data(), id * t.dim(), out, newId[id] * t.dim(), t.dim());
            }
        }
        return new ItemFeatureTable(rows, t.dim(), out);
    }

    private static List<SequenceExample> keep(List<SequenceExample> cases, int[] newId) {
        List<SequenceExample> out = new ArrayList<>(cases.size());
        for (SequenceExample e : cases) {
            if (newId[e.target()] < 0) {
                continue;
            }
            int[] history =
                    Arrays.stream(e.history())
                            .filter(i -> newId[i] > 0)
                            .map(i -> newId[i])
                            .toArray();
            if (history.length > 0) {
                out.add(new SequenceExample(e.user(), history, newId[e.target()]));
            }
        }
        return out;
    }

    /** Item id to its display text, falling back to the id. */
    Map<String, String> displayTexts() {
        Map<String, String> out = new HashMap<>(texts);
        for (ItemFeatures i : newItems) {
            out.putIfAbsent(i.getItemId(), i.getItemId());
        }
        return out;
    }
}
