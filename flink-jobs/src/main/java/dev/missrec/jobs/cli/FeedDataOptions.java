package dev.missrec.jobs.cli;

import dev.missrec.jobs.feed.ClickStreams;
import dev.missrec.jobs.feed.ItemCatalog;
import dev.missrec.model.cli.SyntheticDataOptions;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.MovieLensLog;
import dev.missrec.model.data.MovieLensReader;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.text.CachingTextEncoder;
import dev.missrec.model.text.MiniLmTextEncoder;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The data-source options of {@code produce} and {@code consume}: a MISSRec/RecBole directory, the
 * seeded synthetic generator, or a MovieLens directory. The synthetic and MovieLens defaults are
 * those of {@code train}, so a model trained with the defaults scores the catalog produced with
 * them.
 */
public final class FeedDataOptions {

    @Option(
            names = "--dataset",
            paramLabel = "DIR",
            description =
                    "MISSRec/RecBole dataset directory (X.train.inter, X.feat1CLS, ...), e.g."
                            + " ../shared/data/amazon-scientific-mm; event time synthesised")
    Path dataset;

    @Option(
            names = "--synthetic",
            description = "use the generated dataset (seeded by --synthetic-seed)")
    boolean synthetic;

    @Mixin SyntheticDataOptions syntheticData = new SyntheticDataOptions();

    @Option(
            names = "--movielens",
            paramLabel = "DIR",
            description =
                    "MovieLens directory (ratings.csv, movies.csv, optional tags.csv), e.g."
                            + " ../shared/data/movielens-latest-small; real timestamps")
    Path movieLens;

    @Option(
            names = "--min-rating",
            paramLabel = "R",
            description = "movielens: only ratings >= R are interactions (default: all)")
    Double minRating;

    @Option(
            names = "--core",
            paramLabel = "K",
            description = "movielens: iterative K-core filter (default: none)")
    Integer core;

    @Option(names = "--no-tags", description = "movielens: leave tags out of the item texts")
    boolean noTags;

    /** The clicks and items of one source, ready to send. */
    record Feed(String name, List<ClickEvent> clicks, List<ItemFeatures> items) {}

    /** Whether a data source was named. */
    boolean given() {
        return synthetic || dataset != null || movieLens != null;
    }

    /**
     * Checks the options without reading anything; bad ones are usage errors (exit code 2).
     *
     * @param required whether exactly one source must be given (else at most one)
     */
    void validate(CommandLine cli, boolean required) {
        int sources = (synthetic ? 1 : 0) + (dataset != null ? 1 : 0) + (movieLens != null ? 1 : 0);
        if (sources > 1) {
            throw new ParameterException(
                    cli, "give only one of --dataset DIR, --synthetic and --movielens DIR");
        }
        if (required && sources == 0) {
            throw new ParameterException(
                    cli, "give one of --dataset DIR, --synthetic and --movielens DIR");
        }
        if (dataset != null && !Files.isDirectory(dataset)) {
            throw new ParameterException(cli, "dataset directory not found: " + dataset);
        }
        if (movieLens != null
                && !Files.isRegularFile(movieLens.resolve(MovieLensReader.RATINGS_FILE))) {
            throw new ParameterException(
                    cli,
                    "not a MovieLens directory (no "
                            + MovieLensReader.RATINGS_FILE
                            + "): "
                            + movieLens);
        }
        if ((minRating != null || core != null || noTags) && movieLens == null) {
            throw new ParameterException(
                    cli, "--min-rating, --core and --no-tags apply only to --movielens");
        }
        if (core != null && core < 0) {
            throw new ParameterException(cli, "--core must be >= 0, got " + core);
        }
        if (synthetic) {
            syntheticData.validate(cli);
        }
    }

    /**
     * Whether the source has real timestamps ({@code --start-time}/{@code --step} do not apply).
     */
    boolean hasRealTime() {
        return movieLens != null;
    }

    /**
     * Loads the source's clicks in event-time order and, if asked, its items, each stamped just
     * before the first click so that a job never sees a click before its item. Call {@link
     * #validate} first.
     *
     * @param start event time of the first synthesised round, or null to end the stream now
     * @param step event time between a user's synthesised clicks
     * @param textCache where MovieLens item-text embeddings are cached, or null to send MovieLens
     *     items with text only (no embedding computed)
     * @param log where to say what takes long (embedding texts)
     */
    Feed loadFeed(
            Instant start, Duration step, boolean withItems, Path textCache, PrintWriter log) {
        if (movieLens != null) {
            MovieLensLog ml = readMovieLens();
            List<ClickEvent> clicks = ClickStreams.timestamped(ml);
            Instant catalogTime =
                    clicks.isEmpty() ? Instant.now() : clicks.get(0).getEventTime().minusMillis(1);
            List<ItemFeatures> items = List.of();
            if (withItems) {
                ItemFeatureTable text = null;
                String textModel = null;
                if (textCache != null) {
                    try (CachingTextEncoder encoder =
                            new CachingTextEncoder(new MiniLmTextEncoder(), textCache)) {
                        long t0 = System.nanoTime();
                        log.printf(
                                Locale.ROOT,
                                "embedding %,d item texts with %s (cache %s)...%n",
                                ml.numItems() - 1,
                                encoder.modelId(),
                                encoder.modelDirectory());
                        log.flush();
                        text = MovieLensReader.embed(ml.itemTexts(), encoder);
                        textModel = encoder.modelId();
                        CachingTextEncoder.Stats stats = encoder.stats();
                        log.printf(
                                Locale.ROOT,
                                "embedded in %.1f s (%d cached, %d computed)%n",
                                (System.nanoTime() - t0) / 1e9,
                                stats.hits(),
                                stats.misses());
                    }
                }
                // MovieLens has no images: the image modality is absent
                items =
                        ItemCatalog.features(
                                ml.toDataset(text, null), textModel, null, catalogTime);
            }
            return new Feed(ml.name(), clicks, items);
        }
        SequenceDataset data = load();
        Instant first =
                start != null
                        ? start
                        : Instant.now()
                                .truncatedTo(ChronoUnit.SECONDS)
                                .minus(ClickStreams.span(data, step));
        List<ClickEvent> clicks = ClickStreams.synthesised(data, first, step);
        List<ItemFeatures> items =
                withItems
                        ? ItemCatalog.features(
                                data, textModel(data), imageModel(data), first.minusMillis(1))
                        : List.of();
        return new Feed(data.name(), clicks, items);
    }

    /**
     * Item id to item text of the source (no embeddings computed); call {@link #validate} first.
     */
    Map<String, String> itemTexts() {
        if (movieLens != null) {
            MovieLensLog ml = readMovieLens();
            Map<String, String> texts = new HashMap<>();
            for (int id = 1; id < ml.numItems(); id++) {
                if (ml.itemTexts()[id] != null && !ml.itemTexts()[id].isBlank()) {
                    texts.put(ml.itemTokens()[id], ml.itemTexts()[id].strip());
                }
            }
            return texts;
        }
        return ItemCatalog.texts(load());
    }

    private MovieLensLog readMovieLens() {
        MovieLensReader.Builder options = MovieLensReader.Options.builder().optTags(!noTags);
        if (minRating != null) {
            options.optMinRating(minRating);
        }
        if (core != null) {
            options.optCore(core);
        }
        return MovieLensReader.readLog(movieLens, options.build());
    }

    /**
     * Reads or generates a RecBole or synthetic dataset with whole sequences (no history
     * truncation), since the stream carries every interaction.
     */
    private SequenceDataset load() {
        if (synthetic) {
            return syntheticData.generate(Integer.MAX_VALUE);
        }
        return RecBoleDatasetReader.read(
                dataset, RecBoleDatasetReader.detectName(dataset), Integer.MAX_VALUE);
    }

    /**
     * Name of the text feature space, so that consumers never mix vectors from different spaces:
     * the generator's seed and size, or the dataset's feature file.
     */
    private String textModel(SequenceDataset data) {
        return synthetic
                ? "synthetic-text-s" + syntheticData.seed() + "-p" + syntheticData.featureDim()
                : data.name() + ".feat1CLS";
    }

    /** Name of the image feature space (see {@link #textModel}). */
    private String imageModel(SequenceDataset data) {
        return synthetic
                ? "synthetic-image-s" + syntheticData.seed() + "-p" + syntheticData.featureDim()
                : data.name() + ".feat3CLS";
    }
}
