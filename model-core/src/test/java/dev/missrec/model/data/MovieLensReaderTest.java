package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.missrec.model.text.CountingTextEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensReaderTest {
    private static final Path MOVIELENS =
            Path.of("..", "..", "shared", "data", "movielens-latest-small");

    private static final String MOVIES =
            "movieId,title,genres\n"
                    + "10,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                    + "20,Heat (1995),Action|Crime|Thriller\n"
                    + "30,\"11'09\"\"01 - September 11 (2002)\",Drama\n"
                    + "40,Casino (1995),(no genres listed)\n"
                    + "50,Sabrina (1995),Comedy|Romance\n";

    // User 7's rows are out of order and two share second 200; user 9 has only two ratings.
    private static final String RATINGS =
            "userId,movieId,rating,timestamp\n"
                    + "7,50,4.0,300\n"
                    + "7,10,3.0,100\n"
                    + "7,40,5.0,200\n"
                    + "7,30,2.0,200\n"
                    + "7,20,1.0,400\n"
                    + "3,20,5.0,50\n"
                    + "3,10,4.5,60\n"
                    + "3,30,3.5,70\n"
                    + "9,10,5.0,10\n"
                    + "9,20,5.0,20\n";

    @TempDir Path dir;

    private Path write(String movies, String ratings, String tags) throws IOException {
        if (movies != null) {
            Files.writeString(dir.resolve("movies.csv"), movies, StandardCharsets.UTF_8);
        }
        if (ratings != null) {
            Files.writeString(dir.resolve("ratings.csv"), ratings, StandardCharsets.UTF_8);
        }
        if (tags != null) {
            Files.writeString(dir.resolve("tags.csv"), tags, StandardCharsets.UTF_8);
        }
        return dir;
    }

    private static MovieLensReader.Options defaults() {
        return MovieLensReader.Options.defaults();
    }

    @Test
    void shouldOrderEachUserByTimeBreakingSameSecondTiesByMovieId() throws IOException {
        MovieLensLog log = MovieLensReader.readLog(write(MOVIES, RATINGS, null), defaults());

        // Users by ascending userId; user 9 (two ratings) cannot be split leave-one-out.
        assertThat(log.userTokens()).containsExactly("[PAD]", "3", "7");
        MovieLensLog.UserSequence u7 = log.users().get(1);
        assertThat(tokens(log, u7.items())).containsExactly("10", "30", "40", "50", "20");
        assertThat(u7.timestamps()).containsExactly(100L, 200L, 200L, 300L, 400L);
        assertThat(u7.ratings()).containsExactly(3f, 2f, 5f, 4f, 1f);
        assertThat(tokens(log, log.users().get(0).items())).containsExactly("20", "10", "30");
        assertThat(log.interactions()).isEqualTo(8);
    }

    @Test
    void shouldNumberItemsInRecBolesRemapOrder() throws IOException {
        MovieLensLog log = MovieLensReader.readLog(write(MOVIES, RATINGS, null), defaults());
        // Sequences u3 = [20,10,30], u7 = [10,30,40,50,20]. Train targets (u7, longest case
        // first): 40, 30; valid targets: 10, 50; test targets: 30, 20.
        assertThat(log.itemTokens()).containsExactly("[PAD]", "40", "30", "10", "50", "20");
    }

    @Test
    void shouldKeepEveryIdThroughARecBoleWriteAndReadRoundTrip() throws IOException {
        Path data = write(MOVIES, RATINGS + "3,40,1.0,80\n3,50,2.0,90\n", null);
        MovieLensReader.Options options =
                MovieLensReader.Options.builder().optMaxLength(2).optName("ML").build();
        SequenceDataset a = MovieLensReader.read(data, options, new CountingTextEncoder("fake", 4));
        Path out = dir.resolve("recbole");
        RecBoleDatasetWriter.write(a, out);
        SequenceDataset b = RecBoleDatasetReader.read(out, "ML", 2);

        assertThat(b.itemTokens()).hasSize(a.numItems());
        assertThat(b.textFeatures().data()).containsExactly(a.textFeatures().data());
        assertSameCases(b.train(), a.train());
        assertSameCases(b.valid(), a.valid());
        assertSameCases(b.test(), a.test());
    }

    private static void assertSameCases(
            List<SequenceExample> actual, List<SequenceExample> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).user()).isEqualTo(expected.get(i).user());
            assertThat(actual.get(i).history()).containsExactly(expected.get(i).history());
            assertThat(actual.get(i).target()).isEqualTo(expected.get(i).target());
        }
    }

    @Test
    void shouldSplitLeaveOneOutWithTruncatedHistories() throws IOException {
        MovieLensLog log =
                MovieLensReader.readLog(
                        write(MOVIES, RATINGS, null),
                        MovieLensReader.Options.builder().optMaxLength(2).build());
        SequenceDataset data = log.toDataset(null, null);

        // u7 = [10,30,40,50,20] -> ids [3,2,1,4,5]; u3 = [20,10,30] -> [5,3,2]
        assertThat(data.train()).hasSize(2); // u7: [3,2]->1 and [3]->2; u3 has none
        assertThat(data.train().get(0).history()).containsExactly(3, 2);
        assertThat(data.train().get(0).target()).isEqualTo(1);
        assertThat(data.train().get(1).history()).containsExactly(3);
        assertThat(data.train().get(1).target()).isEqualTo(2);
        assertThat(data.valid()).extracting(SequenceExample::user).containsExactly(1, 2);
        assertThat(data.valid().get(1).history()).containsExactly(2, 1);
        assertThat(data.valid().get(1).target()).isEqualTo(4);
        assertThat(data.test().get(1).history()).containsExactly(1, 4);
        assertThat(data.test().get(1).target()).isEqualTo(5);
        assertThat(data.test().get(0).history()).containsExactly(5, 3);
        assertThat(data.test().get(0).target()).isEqualTo(2);
        assertThat(DatasetStats.of(data)).isEqualTo(new DatasetStats(2, 5, 8));
    }

    @Test
    void shouldFilterIterativelyUntilEveryUserAndItemHasKInteractions() throws IOException {
        // With k = 3: v (1 rating) goes first, which leaves user 4 with two, whose removal
        // leaves w with two, whose removal leaves user 5 with two. A single pass would stop early.
        String movies = "movieId,title,genres\n1,X,A\n2,Y,A\n3,Z,A\n4,W,A\n5,V,A\n";
        StringBuilder r = new StringBuilder("userId,movieId,rating,timestamp\n");
        int[][] seqs = {{1, 2, 3, 4}, {1, 2, 3}, {1, 2, 3}, {1, 4, 5}, {4, 3, 1}};
        for (int u = 0; u < seqs.length; u++) {
            for (int i = 0; i < seqs[u].length; i++) {
                r.append(u + 1)
                        .append(',')
                        .append(seqs[u][i])
                        .append(",4.0,")
                        .append(i)
                        .append('\n');
            }
        }
        write(movies, r.toString(), null);

        MovieLensLog core =
                MovieLensReader.readLog(dir, MovieLensReader.Options.builder().optCore(3).build());
        assertThat(core.userTokens()).containsExactly("[PAD]", "1", "2", "3");
        assertThat(sorted(core.itemTokens())).containsExactly("1", "2", "3", "[PAD]");
        assertThat(core.interactions()).isEqualTo(9);
        assertThat(tokens(core, core.users().get(0).items())).containsExactly("1", "2", "3");

        MovieLensLog none = MovieLensReader.readLog(dir, defaults());
        assertThat(none.numUsers()).isEqualTo(5);
        assertThat(none.numItems()).isEqualTo(6);
        assertThat(none.interactions()).isEqualTo(16);
    }

    @Test
    void shouldKeepOnlyRatingsAtOrAboveTheMinimumRating() throws IOException {
        MovieLensLog log =
                MovieLensReader.readLog(
                        write(MOVIES, RATINGS, null),
                        MovieLensReader.Options.builder().optMinRating(3.5).build());
        // u7 keeps 40 (5.0) and 50 (4.0): too short; u3 keeps all three; u9 has two.
        assertThat(log.userTokens()).containsExactly("[PAD]", "3");
        assertThat(tokens(log, log.users().get(0).items())).containsExactly("20", "10", "30");
    }

    @Test
    void shouldBuildItemTextsFromTitleGenresAndMostFrequentDistinctTags() throws IOException {
        String tags =
                "userId,movieId,tag,timestamp\n"
                        + "1,10,Politics,5\n"
                        + "2,10,white house,6\n"
                        + "3,10,politics,7\n"
                        + "4,10,\"romance, sort of\",8\n"
                        + "4,10,  ,9\n"
                        + "5,10,politics ,9\n"
                        + "5,10,Romance,10\n"
                        + "6,10,romance,11\n"
                        + "1,40,"
                        + "x".repeat(60)
                        + ",1\n";
        write(MOVIES, RATINGS, tags);

        MovieLensLog log = MovieLensReader.readLog(dir, defaults());
        assertThat(text(log, "10"))
                .isEqualTo(
                        "American President, The (1995). Comedy, Drama, Romance."
                                + " Politics, Romance, romance, sort of, white house.");
        assertThat(text(log, "20")).isEqualTo("Heat (1995). Action, Crime, Thriller.");
        assertThat(text(log, "30")).isEqualTo("11'09\"01 - September 11 (2002). Drama.");
        assertThat(text(log, "40")).isEqualTo("Casino (1995). " + "x".repeat(40) + ".");

        MovieLensLog two =
                MovieLensReader.readLog(
                        dir, MovieLensReader.Options.builder().optMaxTags(2).build());
        assertThat(text(two, "10")).endsWith("Romance. Politics, Romance.");
        MovieLensLog noTags =
                MovieLensReader.readLog(
                        dir, MovieLensReader.Options.builder().optTags(false).build());
        assertThat(text(noTags, "10"))
                .isEqualTo("American President, The (1995). Comedy, Drama, Romance.");
    }

    @Test
    void shouldEmbedEveryItemTextAndLeaveThePadRowZeroAndImagesAbsent() throws IOException {
        CountingTextEncoder encoder = new CountingTextEncoder("fake", 6);
        SequenceDataset data =
                MovieLensReader.read(write(MOVIES, RATINGS, null), defaults(), encoder);

        assertThat(data.imageFeatures()).isNull();
        assertThat(data.textFeatures().rows()).isEqualTo(data.numItems());
        assertThat(data.textFeatures().dim()).isEqualTo(6);
        assertThat(data.textFeatures().isEmpty(0)).isTrue();
        for (int i = 1; i < data.numItems(); i++) {
            assertThat(data.textFeatures().row(i))
                    .containsExactly(encoder.vectorOf(data.itemTexts()[i]));
        }
        assertThat(encoder.encoded()).hasSize(data.numItems() - 1);
    }

    @Test
    void shouldListEveryEventInTimeOrder() throws IOException {
        MovieLensLog log = MovieLensReader.readLog(write(MOVIES, RATINGS, null), defaults());
        List<MovieLensLog.Interaction> events = log.eventsByTime();
        assertThat(events).hasSize(8);
        assertThat(events)
                .extracting(MovieLensLog.Interaction::timestamp)
                .containsExactly(50L, 60L, 70L, 100L, 200L, 200L, 300L, 400L);
        assertThat(events.get(4).item()).isEqualTo(log.users().get(1).items()[1]);
        assertThat(events.get(0).user()).isEqualTo(1);
        assertThat(events.get(0).rating()).isEqualTo(5f);
    }

    @Test
    void shouldNameFileAndLineOfAMalformedRating() throws IOException {
        write(MOVIES, "userId,movieId,rating,timestamp\n1,10,4.0,1\n1,20,abc,2\n", null);
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("ratings.csv:3")
                .hasMessageContaining("rating 'abc' is not a number")
                .satisfies(
                        e -> {
                            DatasetException d = (DatasetException) e;
                            assertThat(d.line()).isEqualTo(3);
                            assertThat(d.file()).hasValue(dir.resolve("ratings.csv"));
                        });
    }

    @Test
    void shouldRejectAnUnquotedTitleWithACommaAsTheWrongNumberOfFields() throws IOException {
        write(MOVIES + "60,Bird, The (1999),Drama\n", RATINGS, null);
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("movies.csv:7")
                .hasMessageContaining("expected 3 comma-separated fields, got 4");
    }

    @Test
    void shouldRejectMalformedTimestampsTagsAndHeaders() throws IOException {
        write(MOVIES, "userId,movieId,rating,timestamp\n1,10,4.0,yesterday\n", null);
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .hasMessageContaining("ratings.csv:2")
                .hasMessageContaining("timestamp 'yesterday' is not an integer");

        write(MOVIES, "user,movie,rating,timestamp\n", null);
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("ratings.csv:1")
                .hasMessageContaining("userId,movieId,rating,timestamp");

        write(MOVIES, RATINGS, "userId,movieId,tag,timestamp\n1,10,fun,1\n1,99,fun,2\n");
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("tags.csv:3")
                .hasMessageContaining("movieId 99 is not in movies.csv");
    }

    @Test
    void shouldRejectARatingOfAMovieMissingFromMovies() throws IOException {
        write(MOVIES, RATINGS + "3,77,4.0,99\n", null);
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("ratings.csv:12")
                .hasMessageContaining("movieId 77 is not in movies.csv");
    }

    @Test
    void shouldNameAMissingFile() throws IOException {
        write(null, RATINGS, null);
        assertThatThrownBy(() -> MovieLensReader.readLog(dir, defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("missing MovieLens movies")
                .hasMessageContaining("movies.csv");
        assertThatThrownBy(() -> MovieLensReader.readLog(dir.resolve("nope"), defaults()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("missing MovieLens directory");
    }

    @Test
    void shouldFailClearlyWhenFilteringLeavesNoUser() throws IOException {
        write(MOVIES, RATINGS, null);
        assertThatThrownBy(
                        () ->
                                MovieLensReader.readLog(
                                        dir,
                                        MovieLensReader.Options.builder()
                                                .optMinRating(5.5)
                                                .build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("ratings.csv")
                .hasMessageContaining("no user has 3 or more interactions after filtering");
    }

    @Test
    void shouldReadMovieLensLatestSmallWithTheProvenanceCounts() {
        assumeTrue(
                Files.isDirectory(MOVIELENS),
                "real dataset not found at " + MOVIELENS.toAbsolutePath());
        MovieLensLog log = MovieLensReader.readLog(MOVIELENS, defaults());

        // PROVENANCE.md / README.txt: 100,836 ratings, 610 users, 9,724 rated movies
        assertThat(log.name()).isEqualTo("movielens-latest-small");
        assertThat(log.numUsers()).isEqualTo(610);
        assertThat(log.numItems()).isEqualTo(9725);
        assertThat(log.interactions()).isEqualTo(100_836);
        List<MovieLensLog.Interaction> events = log.eventsByTime();
        // ratings 1996-03-29 .. 2018-09-24
        assertThat(Instant.ofEpochSecond(events.get(0).timestamp()).toString())
                .startsWith("1996-03-29");
        assertThat(Instant.ofEpochSecond(events.get(events.size() - 1).timestamp()).toString())
                .startsWith("2018-09-24");

        // User 1's first two ratings share a second: movieId 804 before 1210.
        MovieLensLog.UserSequence u1 = log.users().get(0);
        assertThat(log.userTokens()[1]).isEqualTo("1");
        assertThat(tokens(log, Arrays.copyOf(u1.items(), 3)))
                .containsExactly("804", "1210", "2018");
        assertThat(u1.timestamps()[0]).isEqualTo(u1.timestamps()[1]).isEqualTo(964980499L);
        assertThat(text(log, "1"))
                .isEqualTo(
                        "Toy Story (1995). Adventure, Animation, Children, Comedy, Fantasy."
                                + " pixar, fun.");

        SequenceDataset data = log.toDataset(null, null);
        assertThat(data.train()).hasSize(100_836 - 3 * 610);
        assertThat(data.valid()).hasSize(610);
        assertThat(data.test()).hasSize(610);
        assertThat(data.test())
                .allSatisfy(c -> assertThat(c.history().length).isLessThanOrEqualTo(50));
        assertThat(DatasetStats.of(data)).isEqualTo(new DatasetStats(610, 9724, 100_836));

        // Counts cross-checked with an independent Python implementation of the same filters.
        MovieLensLog core5 =
                MovieLensReader.readLog(
                        MOVIELENS, MovieLensReader.Options.builder().optCore(5).build());
        assertThat(core5.numUsers()).isEqualTo(610);
        assertThat(core5.numItems() - 1).isEqualTo(3650);
        assertThat(core5.interactions()).isEqualTo(90_274);
        MovieLensLog liked =
                MovieLensReader.readLog(
                        MOVIELENS, MovieLensReader.Options.builder().optMinRating(4.0).build());
        assertThat(liked.numUsers()).isEqualTo(608);
        assertThat(liked.numItems() - 1).isEqualTo(6298);
        assertThat(liked.interactions()).isEqualTo(48_579);
    }

    private static String[] tokens(MovieLensLog log, int[] items) {
        return Arrays.stream(items).mapToObj(i -> log.itemTokens()[i]).toArray(String[]::new);
    }

    private static String text(MovieLensLog log, String movieId) {
        int id = Arrays.asList(log.itemTokens()).indexOf(movieId);
        assertThat(id).as("movie %s", movieId).isPositive();
        return log.itemTexts()[id];
    }

    private static String[] sorted(String[] a) {
        String[] s = a.clone();
        Arrays.sort(s);
        return s;
    }
}
