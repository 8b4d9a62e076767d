package dev.missrec.model.data;

import dev.missrec.model.text.TextEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a MovieLens directory ({@code ratings.csv}, {@code movies.csv}, optional {@code tags.csv},
 * as GroupLens ships ml-latest-small) into a {@link MovieLensLog} with real timestamps and, given a
 * {@link TextEncoder}, a text-only {@link SequenceDataset}.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Every rating is an interaction, as sequential-recommendation papers on MovieLens treat them
 *       (SASRec, BERT4Rec, RecBole's ml-* configs); {@link Options#minRating()} optionally keeps
 *       only ratings at or above a threshold.
 *   <li>Optional iterative k-core ({@link Options#core()}): users and items with fewer than k
 *       interactions are removed, repeatedly, until none remain. Users with fewer than {@link
 *       LeaveOneOutSplit#MIN_LENGTH} interactions are always removed (leave-one-out needs two held
 *       out items and one of history); with k = 0 no item is removed.
 *   <li>Each user's interactions are ordered by timestamp; MovieLens has many same-second ratings,
 *       and those are ordered by movieId, so the order never depends on the file's row order.
 *   <li>Users get internal ids 1.. in ascending MovieLens userId. Items are numbered exactly as
 *       RecBole numbers the leave-one-out files the reference would read (MISSREC-SPEC.md §1.3,
 *       {@link RecBoleDatasetReader}): PAD = 0, then by first appearance among the targets of the
 *       train, valid and test cases, then among their (truncated) histories. Writing the dataset
 *       with {@link RecBoleDatasetWriter} and reading it back therefore keeps every id.
 *   <li>An item's text is {@code "title. genres. tags."}: genres {@code A|B} become {@code "A, B"}
 *       ({@code (no genres listed)} is left out); tags (from all users: they describe the movie,
 *       like an Amazon description) are de-duplicated case-insensitively, most frequent first (ties
 *       alphabetical), at most {@link Options#maxTags()} of them, each cut to {@value
 *       #MAX_TAG_CHARS} characters, which bounds the text well below MiniLM's 256 word pieces.
 *       Caveat: a user's own tags can echo across their history and target; {@code optTags(false)}
 *       removes them.
 * </ol>
 *
 * <p>Missing files and malformed lines raise {@link DatasetException} naming the file and line.
 * MovieLens has no images: {@link #read} returns {@code imageFeatures = null}, the "modality
 * absent" value of {@link SequenceDataset}. The models handle it as the reference handles missing
 * modalities: MISSRec's trainer substitutes an all-zero table (§1.1), the content baseline scores
 * the text modality alone, and ID models ignore features.
 */
public final class MovieLensReader {
    /** Ratings file name. */
    public static final String RATINGS_FILE = "ratings.csv";

    /** Movies file name. */
    public static final String MOVIES_FILE = "movies.csv";

    /** Optional tags file name. */
    public static final String TAGS_FILE = "tags.csv";

    /** Longest tag kept in an item text, in characters. */
    public static final int MAX_TAG_CHARS = 40;

    private static final String NO_GENRES = "(no genres listed)";

    private MovieLensReader() {}

    /**
     * Reading options; build with {@link #builder()}, every value has a default.
     *
     * @param name dataset name, or null for the directory's name
     * @param minRating only ratings {@code >= minRating} are interactions (default negative
     *     infinity: all ratings)
     * @param core k of the iterative k-core filter, 0 for none (default 0)
     * @param maxLength L: histories keep their last L items (default 50, the reference's)
     * @param maxTags most tags in an item text (default 10)
     * @param tags whether item texts include tags from {@code tags.csv} (default true)
     */
    public record Options(
            String name, double minRating, int core, int maxLength, int maxTags, boolean tags) {
        public Options {
            if (Double.isNaN(minRating)) {
                throw new IllegalArgumentException("minRating must not be NaN");
            }
            if (core < 0 || maxLength < 1 || maxTags < 0) {
                throw new IllegalArgumentException(
                        "need core >= 0, maxLength >= 1, maxTags >= 0; got "
                                + core
                                + ", "
                                + maxLength
                                + ", "
                                + maxTags);
            }
        }

        /** A builder with the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** All defaults. */
        public static Options defaults() {
            return builder().build();
        }
    }

    /** Builder of {@link Options}: every setting is optional. */
    public static final class Builder {
        private String name;
        private double minRating = Double.NEGATIVE_INFINITY;
        private int core;
        private int maxLength = RecBoleDatasetReader.DEFAULT_MAX_LENGTH;
        private int maxTags = 10;
        private boolean tags = true;

        private Builder() {}

        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        public Builder optMinRating(double minRating) {
            this.minRating = minRating;
            return this;
        }

        public Builder optCore(int core) {
            this.core = core;
            return this;
        }

        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        public Builder optMaxTags(int maxTags) {
            this.maxTags = maxTags;
            return this;
        }

        public Builder optTags(boolean tags) {
            this.tags = tags;
            return this;
        }

        public Options build() {
            return new Options(name, minRating, core, maxLength, maxTags, tags);
        }
    }

    /**
     * Reads {@code dir} and embeds every item text with {@code encoder}: a text-only dataset (image
     * features null).
     */
    public static SequenceDataset read(Path dir, Options options, TextEncoder encoder) {
        Objects.requireNonNull(encoder, "encoder");
        MovieLensLog log = readLog(dir, options);
        return log.toDataset(embed(log.itemTexts(), encoder), null);
    }

    /**
     * The {@code [N, P]} table of {@code itemTexts} embedded by {@code encoder}; row 0 (PAD) stays
     * zero.
     */
    public static ItemFeatureTable embed(String[] itemTexts, TextEncoder encoder) {
        int n = itemTexts.length;
        int dim = encoder.dimension();
        float[][] vectors = encoder.encode(Arrays.asList(itemTexts).subList(1, n));
        if (vectors.length != n - 1) {
            throw new IllegalStateException(
                    encoder.modelId() + " returned " + vectors.length + " vectors for " + (n - 1));
        }
        ItemFeatureTable table = ItemFeatureTable.zeros(n, dim);
        for (int i = 1; i < n; i++) {
            table.setRow(i, vectors[i - 1]);
        }
        return table;
    }

    /** Reads, filters and numbers the interactions of {@code dir} without embedding anything. */
    public static MovieLensLog readLog(Path dir, Options options) {
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(dir)) {
            throw DatasetException.missingFile(dir, "MovieLens directory");
        }
        Map<Integer, Movie> movies = readMovies(dir.resolve(MOVIES_FILE));
        Ratings ratings = readRatings(dir.resolve(RATINGS_FILE), movies.keySet());
        Path tagsFile = dir.resolve(TAGS_FILE);
        Map<Integer, List<String>> tags =
                options.tags() && Files.exists(tagsFile)
                        ? readTags(tagsFile, movies.keySet(), options.maxTags())
                        : Map.of();

        boolean[] keep = filter(ratings, options);
        // Group kept rows by user, users in ascending userId (TreeMap).
        TreeMap<Integer, List<Integer>> rowsByUser = new TreeMap<>();
        for (int r = 0; r < ratings.size; r++) {
            if (keep[r]) {
                rowsByUser.computeIfAbsent(ratings.user[r], u -> new ArrayList<>()).add(r);
            }
        }
        if (rowsByUser.isEmpty()) {
            throw DatasetException.badFile(
                    dir.resolve(RATINGS_FILE),
                    "no user has "
                            + Math.max(options.core(), LeaveOneOutSplit.MIN_LENGTH)
                            + " or more interactions after filtering (min rating "
                            + options.minRating()
                            + ", core "
                            + options.core()
                            + ")");
        }
        List<int[]> rawSequences = new ArrayList<>(rowsByUser.size());
        List<int[]> rowOrders = new ArrayList<>(rowsByUser.size());
        String[] userTokens = new String[rowsByUser.size() + 1];
        userTokens[0] = "[PAD]";
        int u = 0;
        for (Map.Entry<Integer, List<Integer>> e : rowsByUser.entrySet()) {
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            // Time order; same-second ratings by movieId (the data has many of them).
            Integer[] boxed = Arrays.stream(rows).boxed().toArray(Integer[]::new);
            Arrays.sort(
                    boxed,
                    Comparator.<Integer>comparingLong(r -> ratings.time[r])
                            .thenComparingInt(r -> ratings.movie[r]));
            int[] ordered = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
            int[] movieSeq = new int[ordered.length];
            for (int i = 0; i < ordered.length; i++) {
                movieSeq[i] = ratings.movie[ordered[i]];
            }
            rowOrders.add(ordered);
            rawSequences.add(movieSeq);
            userTokens[++u] = Integer.toString(e.getKey());
        }

        Map<Integer, Integer> itemIds = recBoleItemOrder(rawSequences, options.maxLength());
        int n = itemIds.size() + 1;
        String[] itemTokens = new String[n];
        String[] itemTexts = new String[n];
        itemTokens[0] = "[PAD]";
        itemTexts[0] = "";
        for (Map.Entry<Integer, Integer> e : itemIds.entrySet()) {
            int movieId = e.getKey();
            itemTokens[e.getValue()] = Integer.toString(movieId);
            itemTexts[e.getValue()] =
                    itemText(movies.get(movieId), tags.getOrDefault(movieId, List.of()));
        }

        List<MovieLensLog.UserSequence> users = new ArrayList<>(rawSequences.size());
        for (int k = 0; k < rawSequences.size(); k++) {
            int[] rows = rowOrders.get(k);
            int[] items = new int[rows.length];
            long[] times = new long[rows.length];
            float[] stars = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                items[i] = itemIds.get(ratings.movie[rows[i]]);
                times[i] = ratings.time[rows[i]];
                stars[i] = ratings.rating[rows[i]];
            }
            users.add(new MovieLensLog.UserSequence(k + 1, items, times, stars));
        }
        String name =
                options.name() != null
                        ? options.name()
                        : dir.toAbsolutePath().normalize().getFileName().toString();
        return new MovieLensLog(
                name, options.maxLength(), userTokens, itemTokens, itemTexts, users);
    }

    /**
     * MovieLens item id to internal id in RecBole's remap order over the leave-one-out files of
     * {@code sequences} (users in order): targets of train (each user's cases longest first, as
     * {@link LeaveOneOutSplit} writes them), valid and test, then the truncated histories of the
     * same, in the same order.
     */
    static Map<Integer, Integer> recBoleItemOrder(List<int[]> sequences, int maxLength) {
        Map<Integer, Integer> ids = new LinkedHashMap<>();
        for (int[] s : sequences) {
            for (int k = s.length - 3; k >= 1; k--) {
                ids.putIfAbsent(s[k], ids.size() + 1);
            }
        }
        for (int[] s : sequences) {
            ids.putIfAbsent(s[s.length - 2], ids.size() + 1);
        }
        for (int[] s : sequences) {
            ids.putIfAbsent(s[s.length - 1], ids.size() + 1);
        }
        for (int[] s : sequences) {
            for (int k = s.length - 3; k >= 1; k--) {
                putHistory(ids, s, k, maxLength);
            }
        }
        for (int[] s : sequences) {
            putHistory(ids, s, s.length - 2, maxLength);
        }
        for (int[] s : sequences) {
            putHistory(ids, s, s.length - 1, maxLength);
        }
        return ids;
    }

    private static void putHistory(Map<Integer, Integer> ids, int[] s, int end, int maxLength) {
        for (int i = Math.max(0, end - maxLength); i < end; i++) {
            ids.putIfAbsent(s[i], ids.size() + 1);
        }
    }

    /** Which rating rows survive the min-rating and k-core filters. */
    private static boolean[] filter(Ratings ratings, Options options) {
        boolean[] keep = new boolean[ratings.size];
        for (int r = 0; r < ratings.size; r++) {
            keep[r] = ratings.rating[r] >= options.minRating();
        }
        int userMin = Math.max(options.core(), LeaveOneOutSplit.MIN_LENGTH);
        int itemMin = options.core();
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Integer, Integer> perUser = new HashMap<>();
            Map<Integer, Integer> perItem = new HashMap<>();
            for (int r = 0; r < ratings.size; r++) {
                if (keep[r]) {
                    perUser.merge(ratings.user[r], 1, Integer::sum);
                    perItem.merge(ratings.movie[r], 1, Integer::sum);
                }
            }
            for (int r = 0; r < ratings.size; r++) {
                if (keep[r]
                        && (perUser.get(ratings.user[r]) < userMin
                                || perItem.get(ratings.movie[r]) < itemMin)) {
                    keep[r] = false;
                    changed = true;
                }
            }
        }
        return keep;
    }

    private record Movie(String title, String genres) {}

    /** The rating rows as parallel arrays, in file order. */
    private static final class Ratings {
        int size;
        int[] user = new int[1024];
        int[] movie = new int[1024];
        float[] rating = new float[1024];
        long[] time = new long[1024];

        void add(int u, int m, float r, long t) {
            if (size == user.length) {
                int cap = size * 2;
                user = Arrays.copyOf(user, cap);
                movie = Arrays.copyOf(movie, cap);
                rating = Arrays.copyOf(rating, cap);
                time = Arrays.copyOf(time, cap);
            }
            user[size] = u;
            movie[size] = m;
            rating[size] = r;
            time[size] = t;
            size++;
        }
    }

    private static Map<Integer, Movie> readMovies(Path file) {
        Map<Integer, Movie> movies = new HashMap<>();
        try (MovieLensCsv csv = new MovieLensCsv(file, "MovieLens movies")) {
            int[] col = header(csv, "movieId", "title", "genres");
            List<String> f;
            while ((f = csv.next()) != null) {
                checkWidth(csv, f, col.length);
                int id = parseInt(csv, f.get(col[0]), "movieId");
                String title = f.get(col[1]).strip();
                if (title.isEmpty()) {
                    throw DatasetException.badLine(file, csv.line(), "empty title of movie " + id);
                }
                if (movies.put(id, new Movie(title, f.get(col[2]).strip())) != null) {
                    throw DatasetException.badLine(file, csv.line(), "duplicate movieId " + id);
                }
            }
        }
        return movies;
    }

    private static Ratings readRatings(Path file, Set<Integer> knownMovies) {
        Ratings ratings = new Ratings();
        try (MovieLensCsv csv = new MovieLensCsv(file, "MovieLens ratings")) {
            int[] col = header(csv, "userId", "movieId", "rating", "timestamp");
            List<String> f;
            while ((f = csv.next()) != null) {
                checkWidth(csv, f, col.length);
                int user = parseInt(csv, f.get(col[0]), "userId");
                int movie = parseInt(csv, f.get(col[1]), "movieId");
                if (!knownMovies.contains(movie)) {
                    throw DatasetException.badLine(
                            file, csv.line(), "movieId " + movie + " is not in " + MOVIES_FILE);
                }
                float rating;
                try {
                    rating = Float.parseFloat(f.get(col[2]).strip());
                } catch (NumberFormatException e) {
                    throw DatasetException.badLine(
                            file, csv.line(), "rating '" + f.get(col[2]) + "' is not a number");
                }
                if (!Float.isFinite(rating)) {
                    throw DatasetException.badLine(
                            file, csv.line(), "rating '" + f.get(col[2]) + "' is not finite");
                }
                long time = parseLong(csv, f.get(col[3]), "timestamp");
                ratings.add(user, movie, rating, time);
            }
        }
        return ratings;
    }

    /** Per movie, its distinct tags, most frequent first, at most {@code maxTags}. */
    private static Map<Integer, List<String>> readTags(
            Path file, Set<Integer> knownMovies, int maxTags) {
        // movieId -> lower-cased tag -> [first spelling seen, count]
        Map<Integer, Map<String, TagCount>> counts = new HashMap<>();
        try (MovieLensCsv csv = new MovieLensCsv(file, "MovieLens tags")) {
            int[] col = header(csv, "userId", "movieId", "tag", "timestamp");
            List<String> f;
            while ((f = csv.next()) != null) {
                checkWidth(csv, f, col.length);
                parseInt(csv, f.get(col[0]), "userId");
                int movie = parseInt(csv, f.get(col[1]), "movieId");
                parseLong(csv, f.get(col[3]), "timestamp");
                if (!knownMovies.contains(movie)) {
                    throw DatasetException.badLine(
                            file, csv.line(), "movieId " + movie + " is not in " + MOVIES_FILE);
                }
                String tag = f.get(col[2]).strip().replaceAll("\\s+", " ");
                if (tag.isEmpty()) {
                    continue; // an empty tag says nothing about the movie
                }
                if (tag.length() > MAX_TAG_CHARS) {
                    tag = tag.substring(0, MAX_TAG_CHARS).strip();
                }
                counts.computeIfAbsent(movie, m -> new HashMap<>())
                        .computeIfAbsent(tag.toLowerCase(Locale.ROOT), k -> new TagCount())
                        .add(tag);
            }
        }
        Map<Integer, List<String>> tags = new HashMap<>();
        for (Map.Entry<Integer, Map<String, TagCount>> e : counts.entrySet()) {
            tags.put(
                    e.getKey(),
                    e.getValue().entrySet().stream()
                            .sorted(
                                    Comparator.<Map.Entry<String, TagCount>>comparingInt(
                                                    t -> -t.getValue().count)
                                            .thenComparing(Map.Entry::getKey))
                            .limit(maxTags)
                            .map(t -> t.getValue().spelling)
                            .toList());
        }
        return tags;
    }

    private static final class TagCount {
        String spelling;
        int count;

        void add(String tag) {
            if (spelling == null) {
                spelling = tag;
            }
            count++;
        }
    }

    /** "title. genres. tags." with empty parts left out. */
    static String itemText(Movie movie, List<String> tags) {
        StringBuilder text = new StringBuilder(sentence(movie.title()));
        if (!movie.genres().isEmpty() && !movie.genres().equals(NO_GENRES)) {
            text.append(' ').append(sentence(String.join(", ", movie.genres().split("\\|"))));
        }
        if (!tags.isEmpty()) {
            text.append(' ').append(sentence(String.join(", ", tags)));
        }
        return text.toString();
    }

    private static String sentence(String s) {
        return s.endsWith(".") ? s : s + ".";
    }

    /** The column index of each required name; the header is the first record. */
    private static int[] header(MovieLensCsv csv, String... names) {
        List<String> header = csv.next();
        if (header == null) {
            throw DatasetException.badFile(
                    csv.file(), "empty file, expected the header " + String.join(",", names));
        }
        List<String> cols = header.stream().map(String::strip).toList();
        int[] idx = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            idx[i] = cols.indexOf(names[i]);
            if (idx[i] < 0) {
                throw DatasetException.badLine(
                        csv.file(),
                        csv.line(),
                        "header must name the columns "
                                + String.join(",", names)
                                + ", got "
                                + String.join(",", cols));
            }
        }
        if (cols.size() != names.length) {
            throw DatasetException.badLine(
                    csv.file(),
                    csv.line(),
                    "expected the "
                            + names.length
                            + " columns "
                            + String.join(",", names)
                            + ", got "
                            + String.join(",", cols));
        }
        return idx;
    }

    private static void checkWidth(MovieLensCsv csv, List<String> fields, int width) {
        if (fields.size() != width) {
            throw DatasetException.badLine(
                    csv.file(),
                    csv.line(),
                    "expected "
                            + width
                            + " comma-separated fields, got "
                            + fields.size()
                            + " (quote fields that contain commas)");
        }
    }

    private static int parseInt(MovieLensCsv csv, String value, String what) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw DatasetException.badLine(
                    csv.file(), csv.line(), what + " '" + value + "' is not an integer");
        }
    }

    private static long parseLong(MovieLensCsv csv, String value, String what) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw DatasetException.badLine(
                    csv.file(), csv.line(), what + " '" + value + "' is not an integer");
        }
    }
}
