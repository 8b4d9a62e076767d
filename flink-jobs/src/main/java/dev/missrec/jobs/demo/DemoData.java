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
 * is trained on and a few <em>new</em> items (the last internal ids: the newest items) that the
 * model never sees and that appear on the items topic midway. Their clicks are held back until
 * then, as a real catalog's new items have no clicks before they exist.
 *
 * @param name the dataset's name
 * @param training the dataset without the new items (their interactions removed), to train on
 * @param clicks the full click stream in event-time order
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
    static DemoData synthetic(int users, int items, int newItems, long seed) {
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
        return fromDataset(full, newItems, "synthetic-text", "synthetic-image");
    }

    /** A MISSRec/RecBole dataset directory, e.g. Amazon Scientific with CLIP features. */
    static DemoData recBole(Path dir, int newItems) {
        String name = RecBoleDatasetReader.detectName(dir);
        // whole sequences: the stream carries every interaction
        SequenceDataset full = RecBoleDatasetReader.read(dir, name, Integer.MAX_VALUE);
        return fromDataset(full, newItems, name + ".feat1CLS", name + ".feat3CLS");
    }

    private static DemoData fromDataset(
            SequenceDataset full, int newItems, String textModel, String imageModel) {
        Duration step = Duration.ofSeconds(1);
        Instant first =
                Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(ClickStreams.span(full, step));
        List<ClickEvent> clicks = ClickStreams.synthesised(full, first, step);
        List<ItemFeatures> catalog =
                ItemCatalog.features(full, textModel, imageModel, first.minusMillis(1));
        return split(full.name(), full, clicks, catalog, newItems);
    }

    /** MovieLens with its real timestamps; item texts embedded by all-MiniLM-L6-v2 (cached). */
    static DemoData movieLens(Path dir, int newItems, Path textCache) {
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
        return split(log.name(), full, clicks, catalog, newItems);
    }

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
        int firstNew = n - newItems;
        Map<String, String> texts = ItemCatalog.texts(full);
        // catalog records are in id order: 1..N-1
        List<ItemFeatures> known = new ArrayList<>(catalog.subList(0, firstNew - 1));
        List<ItemFeatures> fresh = new ArrayList<>(catalog.subList(firstNew - 1, n - 1));
        return new DemoData(name, withoutItemsFrom(full, firstNew), clicks, known, fresh, texts);
    }

    /**
     * {@code data} restricted to internal ids below {@code firstRemoved}: the removed items leave
     * the item and feature tables (ids of the others do not change) and every history; a case whose
     * target is removed, or whose history becomes empty, is dropped.
     */
    static SequenceDataset withoutItemsFrom(SequenceDataset data, int firstRemoved) {
        if (firstRemoved >= data.numItems()) {
            return data;
        }
        return new SequenceDataset(
                data.name(),
                data.numUsers(),
                Arrays.copyOf(data.itemTokens(), firstRemoved),
                data.itemTexts() == null ? null : Arrays.copyOf(data.itemTexts(), firstRemoved),
                truncate(data.textFeatures(), firstRemoved),
                truncate(data.imageFeatures(), firstRemoved),
                keep(data.train(), firstRemoved),
                keep(data.valid(), firstRemoved),
                keep(data.test(), firstRemoved));
    }

    private static ItemFeatureTable truncate(ItemFeatureTable t, int rows) {
        if (t == null) {
            return null;
        }
        return new ItemFeatureTable(rows, t.dim(), Arrays.copyOf(t.data(), rows * t.dim()));
    }

    private static List<SequenceExample> keep(List<SequenceExample> cases, int firstRemoved) {
        List<SequenceExample> out = new ArrayList<>(cases.size());
        for (SequenceExample e : cases) {
            if (e.target() >= firstRemoved) {
                continue;
            }
            int[] history = Arrays.stream(e.history()).filter(i -> i < firstRemoved).toArray();
            if (history.length > 0) {
                out.add(new SequenceExample(e.user(), history, e.target()));
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
