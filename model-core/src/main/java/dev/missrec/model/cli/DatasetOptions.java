package dev.missrec.model.cli;

import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.MovieLensLog;
import dev.missrec.model.data.MovieLensReader;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.text.CachingTextEncoder;
import dev.missrec.model.text.MiniLmTextEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that choose a dataset, shared by {@code compare}, {@code train} and {@code eval}: a
 * MISSRec/RecBole directory, a MovieLens directory ({@code --format movielens}, item texts embedded
 * by all-MiniLM-L6-v2 through the on-disk cache) or a seeded synthetic dataset.
 */
public final class DatasetOptions {

    /** The layout of a {@code --dataset} directory. */
    public enum Format {
        /** MISSRec/RecBole files: X.train.inter, X.valid.inter, X.test.inter, X.feat1CLS, ... */
        missrec,
        /** MovieLens CSVs: ratings.csv, movies.csv, optional tags.csv; text-only items. */
        movielens
    }

    @Option(
            names = "--dataset",
            paramLabel = "DIR",
            description =
                    "dataset directory: MISSRec/RecBole (X.train.inter, X.feat1CLS, ...) or, with"
                            + " --format movielens, MovieLens (ratings.csv, movies.csv, tags.csv)")
    Path dataset;

    @Option(
            names = "--format",
            defaultValue = "missrec",
            description =
                    "layout of --dataset: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Format format;

    @Option(
            names = "--min-rating",
            paramLabel = "R",
            description =
                    "movielens: only ratings >= R are interactions (default: every rating is one)")
    Double minRating;

    @Option(
            names = "--core",
            paramLabel = "K",
            description =
                    "movielens: iterative K-core filter, dropping users and items with fewer than K"
                            + " interactions (default: none)")
    Integer core;

    @Option(names = "--no-tags", description = "movielens: leave tags out of the item texts")
    boolean noTags;

    @Option(
            names = "--text-cache",
            paramLabel = "DIR",
            description =
                    "movielens: text-embedding cache directory (default "
                            + "work/text-embeddings, relative to the working directory)")
    Path textCache;

    @Option(
            names = "--synthetic",
            description =
                    "use a generated dataset (seeded by --synthetic-seed) instead of --dataset")
    boolean synthetic;

    @Mixin SyntheticDataOptions syntheticData = new SyntheticDataOptions();

    @Option(
            names = "--max-length",
            paramLabel = "L",
            defaultValue = "50",
            description = "histories keep their last L items (default ${DEFAULT-VALUE})")
    int maxLength;

    /** Checks the options without reading anything; bad ones are usage errors (exit code 2). */
    void validate(CommandLine cli) {
        if (synthetic == (dataset != null)) {
            throw new ParameterException(cli, "give exactly one of --dataset DIR and --synthetic");
        }
        if (dataset != null && !Files.isDirectory(dataset)) {
            throw new ParameterException(cli, "dataset directory not found: " + dataset);
        }
        boolean movieLensOptions = minRating != null || core != null || noTags || textCache != null;
        if (format == Format.movielens) {
            if (synthetic) {
                throw new ParameterException(cli, "--format movielens needs --dataset DIR");
            }
            if (!Files.isRegularFile(dataset.resolve(MovieLensReader.RATINGS_FILE))) {
                throw new ParameterException(
                        cli,
                        "not a MovieLens directory (no "
                                + MovieLensReader.RATINGS_FILE
                                + "): "
                                + dataset);
            }
            if (minRating != null && Double.isNaN(minRating)) {
                throw new ParameterException(cli, "--min-rating must be a number");
            }
            if (core != null && core < 0) {
                throw new ParameterException(cli, "--core must be >= 0: " + core);
            }
        } else if (movieLensOptions) {
            throw new ParameterException(
                    cli,
                    "--min-rating, --core, --no-tags and --text-cache apply only to"
                            + " --format movielens");
        } else if (dataset != null
                && Files.isRegularFile(dataset.resolve(MovieLensReader.RATINGS_FILE))
                && !hasTrainInter(dataset)) {
            throw new ParameterException(
                    cli,
                    dataset + " holds MovieLens CSVs, not MISSRec files: add --format movielens");
        }
        if (maxLength < 1) {
            throw new ParameterException(cli, "--max-length must be positive: " + maxLength);
        }
        if (synthetic) {
            syntheticData.validate(cli);
        }
    }

    private static boolean hasTrainInter(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.train.inter")) {
            return files.iterator().hasNext();
        } catch (IOException e) {
            return false; // unreadable: let the reader report it with its own message
        }
    }

    /**
     * Reads or generates the dataset, writing a summary line to {@code log} where reading takes
     * long (MovieLens: filtering and text embedding); call {@link #validate} first.
     */
    SequenceDataset load(PrintWriter log) {
        if (synthetic) {
            return syntheticData.generate(maxLength);
        }
        return load(dataset, log);
    }

    /** Reads {@code dir} in this format with these options (several datasets, one option set). */
    SequenceDataset load(Path dir, PrintWriter log) {
        if (format == Format.movielens) {
            return loadMovieLens(dir, log);
        }
        return RecBoleDatasetReader.read(dir, RecBoleDatasetReader.detectName(dir), maxLength);
    }

    /**
     * Reads MovieLens and embeds its item texts through the cache; one summary line to {@code log}.
     */
    private SequenceDataset loadMovieLens(Path dir, PrintWriter log) {
        MovieLensReader.Builder options =
                MovieLensReader.Options.builder().optMaxLength(maxLength).optTags(!noTags);
        if (minRating != null) {
            options.optMinRating(minRating);
        }
        if (core != null) {
            options.optCore(core);
        }
        Path cacheDir = textCache != null ? textCache : CachingTextEncoder.DEFAULT_DIR;
        long t0 = System.nanoTime();
        MovieLensLog movieLens = MovieLensReader.readLog(dir, options.build());
        long t1 = System.nanoTime();
        try (CachingTextEncoder encoder =
                new CachingTextEncoder(new MiniLmTextEncoder(), cacheDir)) {
            ItemFeatureTable text = MovieLensReader.embed(movieLens.itemTexts(), encoder);
            long t2 = System.nanoTime();
            CachingTextEncoder.Stats cache = encoder.stats();
            log.printf(
                    "movielens %s: %d users, %d items, %d interactions, read in %.2f s; %d item"
                            + " texts by %s in %.2f s (%d cached, %d computed, %d rejected; %s)%n",
                    movieLens.name(),
                    movieLens.numUsers(),
                    movieLens.numItems() - 1,
                    movieLens.interactions(),
                    (t1 - t0) / 1e9,
                    movieLens.numItems() - 1,
                    encoder.modelId(),
                    (t2 - t1) / 1e9,
                    cache.hits(),
                    cache.misses(),
                    cache.rejected(),
                    encoder.modelDirectory());
            log.flush();
            // MovieLens has no images: null is "modality absent" (see MovieLensReader).
            return movieLens.toDataset(text, null);
        }
    }
}
