package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --format movielens} of the dataset options, through {@code compare}. */
class MovieLensFormatTest {
    private static final String[] GENRES = {"Comedy", "Drama", "Horror", "Sci-Fi", "Romance"};

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int compare(String... args) {
        CommandLine cli = CompareCommand.commandLine(new CompareCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** A small MovieLens directory: {@code users} users rating 4..9 of 20 movies, seeded. */
    private Path movieLens(int users, long seed) throws IOException {
        Path d = Files.createDirectories(dir.resolve("ml"));
        StringBuilder movies = new StringBuilder("movieId,title,genres\n");
        for (int m = 1; m <= 20; m++) {
            movies.append(m * 10)
                    .append(",\"Film ")
                    .append(m)
                    .append(", The (19")
                    .append(70 + m)
                    .append(")\",")
                    .append(GENRES[m % GENRES.length])
                    .append('|')
                    .append(GENRES[(m / 5) % GENRES.length])
                    .append('\n');
        }
        Random random = new Random(seed);
        StringBuilder ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
        for (int u = 1; u <= users; u++) {
            int n = 4 + random.nextInt(6);
            long t = 1_000_000_000L + random.nextInt(1_000_000);
            int m = 1 + random.nextInt(20);
            for (int i = 0; i < n; i++) {
                ratings.append(u).append(',').append(m * 10).append(",4.0,").append(t).append('\n');
                m = 1 + (m + random.nextInt(3)) % 20; // mostly the next few films: a signal
                t += 1 + random.nextInt(1000);
            }
        }
        Files.writeString(d.resolve("movies.csv"), movies);
        Files.writeString(d.resolve("ratings.csv"), ratings);
        Files.writeString(d.resolve("tags.csv"), "userId,movieId,tag,timestamp\n1,10,cult,5\n");
        return d;
    }

    @Test
    void shouldCompareOnMovieLensWithRealTextEmbeddingsAndReuseTheCacheOnTheNextRun()
            throws IOException {
        Path data = movieLens(40, 3);
        Path cache = dir.resolve("cache");
        Path json = dir.resolve("ml.json");
        String[] args = {
            "--format",
            "movielens",
            "--dataset",
            data.toString(),
            "--text-cache",
            cache.toString(),
            "--models",
            "pop,content",
            "--no-progress",
            "--json",
            json.toString()
        };

        int code = compare(args);

        assertThat(code).as(err.toString()).isZero();
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject dataset = root.getAsJsonObject("dataset");
        assertThat(dataset.get("users").getAsInt()).isEqualTo(40);
        int items = dataset.get("items").getAsInt();
        assertThat(items).isBetween(2, 20);
        assertThat(root.getAsJsonArray("results")).hasSize(2);
        assertThat(err.toString())
                .contains("movielens ml: 40 users")
                .contains("all-minilm-l6-v2-q")
                .contains("(0 cached, " + items + " computed, 0 rejected");
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(items);
        }

        err.getBuffer().setLength(0);
        assertThat(compare(args)).as(err.toString()).isZero();
        assertThat(err.toString()).contains("(" + items + " cached, 0 computed, 0 rejected");
        JsonObject again = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        for (int i = 0; i < 2; i++) {
            JsonObject before = root.getAsJsonArray("results").get(i).getAsJsonObject();
            JsonObject after = again.getAsJsonArray("results").get(i).getAsJsonObject();
            // Same embeddings from the cache, so the same metrics (timings differ).
            assertThat(after.get("valid")).isEqualTo(before.get("valid"));
            assertThat(after.get("test")).isEqualTo(before.get("test"));
        }
    }

    @Test
    void shouldApplyTheCoreAndMinRatingOptions() throws IOException {
        Path data = movieLens(40, 3);
        int code =
                compare(
                        "--format",
                        "movielens",
                        "--dataset",
                        data.toString(),
                        "--text-cache",
                        dir.resolve("cache").toString(),
                        "--core",
                        "6",
                        "--min-rating",
                        "3.5",
                        "--models",
                        "pop",
                        "--no-progress",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).as(err.toString()).isZero();
        JsonObject dataset =
                JsonParser.parseString(Files.readString(dir.resolve("o.json")))
                        .getAsJsonObject()
                        .getAsJsonObject("dataset");
        // Every user has 4..9 ratings: a 6-core drops the shorter ones.
        assertThat(dataset.get("users").getAsInt()).isBetween(1, 39);
    }

    @Test
    void shouldExitWithTwoForMovieLensWithoutADirectory() {
        int code =
                compare(
                        "--format",
                        "movielens",
                        "--synthetic",
                        "--models",
                        "pop",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--format movielens needs --dataset DIR");
    }

    @Test
    void shouldExitWithTwoForADirectoryWithoutRatings() {
        int code =
                compare(
                        "--format",
                        "movielens",
                        "--dataset",
                        dir.toString(),
                        "--models",
                        "pop",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("not a MovieLens directory (no ratings.csv)");
    }

    @Test
    void shouldExitWithTwoForMovieLensOptionsOnAMissRecDataset() {
        int code =
                compare(
                        "--synthetic",
                        "--core",
                        "5",
                        "--models",
                        "pop",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("apply only to --format movielens");
    }

    @Test
    void shouldExitWithTwoAndSuggestTheFormatForMovieLensFilesReadAsMissRec() throws IOException {
        Path data = movieLens(5, 1);
        int code =
                compare(
                        "--dataset",
                        data.toString(),
                        "--models",
                        "pop",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("add --format movielens");
    }

    @Test
    void shouldExitWithTwoForAnUnknownFormat() {
        int code =
                compare(
                        "--format",
                        "csv",
                        "--synthetic",
                        "--models",
                        "pop",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("missrec, movielens");
    }

    @Test
    void shouldExitWithOneAndNameTheLineOfAMalformedRating() throws IOException {
        Path data = movieLens(5, 1);
        Files.writeString(
                data.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,10,4.0\n");
        int code =
                compare(
                        "--format", "movielens",
                        "--dataset", data.toString(),
                        "--text-cache", dir.resolve("cache").toString(),
                        "--models", "pop",
                        "--json", dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .contains("compare failed")
                .contains("ratings.csv:2")
                .contains("expected 4 comma-separated fields, got 3");
    }
}
