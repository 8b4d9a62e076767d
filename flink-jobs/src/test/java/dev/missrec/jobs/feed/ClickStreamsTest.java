package dev.missrec.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.missrec.jobs.feed.ClickStreams.Slot;
import dev.missrec.model.data.MovieLensLog;
import dev.missrec.model.data.MovieLensReader;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickStreamsTest {

    private static SequenceDataset synthetic(int users, long seed) {
        return new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.builder()
                                .optUsers(users)
                                .optItems(60)
                                .optTopics(5)
                                .optFeatureDim(8)
                                .optSequenceLength(3, 12)
                                .optMaxHistory(Integer.MAX_VALUE)
                                .optSeed(seed)
                                .build())
                .generate();
    }

    @Test
    void shouldInterleaveUsersRoundRobinSpreadOverTheStep() {
        // offsets: user 1 at 100*1/3 = 33ms, user 2 at 100*2/3 = 66ms into each round
        List<Slot> slots = ClickStreams.interleave(new int[] {3, 1, 2}, 1000, 100);
        assertThat(slots)
                .containsExactly(
                        new Slot(0, 0, 1000),
                        new Slot(1, 0, 1033),
                        new Slot(2, 0, 1066),
                        new Slot(0, 1, 1100),
                        new Slot(2, 1, 1166),
                        new Slot(0, 2, 1200));
    }

    @Test
    void shouldScheduleEveryInteractionOnceInTimeOrderWithEachUserOneStepApart() {
        Random rnd = new Random(7);
        int[] lengths = new int[37];
        long total = 0;
        for (int u = 0; u < lengths.length; u++) {
            lengths[u] = rnd.nextInt(30);
            total += lengths[u];
        }
        List<Slot> slots = ClickStreams.interleave(lengths, 5_000, 60_000);

        assertThat(slots).hasSize((int) total);
        Map<Integer, List<Slot>> byUser = new HashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            if (i > 0) {
                assertThat(slots.get(i).eventTimeMillis())
                        .isGreaterThan(slots.get(i - 1).eventTimeMillis());
            }
            byUser.computeIfAbsent(slots.get(i).user(), k -> new ArrayList<>()).add(slots.get(i));
        }
        for (int u = 0; u < lengths.length; u++) {
            List<Slot> own = byUser.getOrDefault(u, List.of());
            assertThat(own).hasSize(lengths[u]);
            for (int i = 0; i < own.size(); i++) {
                assertThat(own.get(i).position()).isEqualTo(i);
                if (i > 0) {
                    assertThat(own.get(i).eventTimeMillis() - own.get(i - 1).eventTimeMillis())
                            .isEqualTo(60_000);
                }
            }
        }
    }

    @Test
    void shouldRejectANonPositiveStep() {
        assertThatThrownBy(() -> ClickStreams.interleave(new int[] {2}, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step");
    }

    @Test
    void shouldRebuildEachUsersWholeSequenceFromTheSplits() {
        SequenceDataset data = synthetic(40, 3);
        Map<Integer, int[]> sequences = ClickStreams.fullSequences(data);

        assertThat(sequences).hasSize(40);
        // the validation case is the sequence without its last item: an independent check
        for (SequenceExample valid : data.valid()) {
            int[] seq = sequences.get(valid.user());
            assertThat(seq.length).isEqualTo(valid.history().length + 2);
            assertThat(java.util.Arrays.copyOf(seq, valid.history().length))
                    .containsExactly(valid.history());
            assertThat(seq[valid.history().length]).isEqualTo(valid.target());
        }
    }

    @Test
    void shouldEmitEveryClickOfEveryUserInSequenceOrderWithDeterministicIds() {
        SequenceDataset data = synthetic(25, 11);
        Instant start = Instant.parse("2024-03-01T00:00:00Z");
        List<ClickEvent> events = ClickStreams.synthesised(data, start, Duration.ofSeconds(30));

        Map<Integer, int[]> sequences = ClickStreams.fullSequences(data);
        int total = sequences.values().stream().mapToInt(s -> s.length).sum();
        assertThat(events).hasSize(total);
        assertThat(events.get(0).getEventTime()).isEqualTo(start);

        Map<String, List<String>> itemsByUser = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            ClickEvent e = events.get(i);
            if (i > 0) {
                assertThat(e.getEventTime()).isAfterOrEqualTo(events.get(i - 1).getEventTime());
            }
            assertThat(e.getEventType()).isEqualTo(EventType.CLICK);
            List<String> own = itemsByUser.computeIfAbsent(e.getUserId(), k -> new ArrayList<>());
            assertThat(e.getEventId())
                    .isEqualTo(data.name() + "-" + e.getUserId() + "-" + own.size());
            own.add(e.getItemId());
            assertThat(ids.add(e.getEventId())).isTrue();
        }
        sequences.forEach(
                (user, seq) -> {
                    List<String> expected = new ArrayList<>();
                    for (int item : seq) {
                        expected.add(data.itemTokens()[item]);
                    }
                    assertThat(itemsByUser.get(ClickStreams.userId(user)))
                            .containsExactlyElementsOf(expected);
                });
        // the same dataset gives the same stream
        assertThat(ClickStreams.synthesised(data, start, Duration.ofSeconds(30))).isEqualTo(events);
    }

    @Test
    void shouldSpanTheLongestSequenceInSteps() {
        SequenceDataset data = synthetic(10, 5);
        int longest =
                ClickStreams.fullSequences(data).values().stream()
                        .mapToInt(s -> s.length)
                        .max()
                        .orElseThrow();
        assertThat(ClickStreams.span(data, Duration.ofMinutes(1)))
                .isEqualTo(Duration.ofMinutes(longest));
    }

    @Test
    void shouldStreamEveryInteractionOfTheRealScientificDataset() {
        Path dir = Path.of("..", "..", "shared", "data", "amazon-scientific-mm");
        assumeTrue(Files.isDirectory(dir), "real dataset not present at " + dir.toAbsolutePath());
        SequenceDataset data = RecBoleDatasetReader.read(dir, "Scientific", Integer.MAX_VALUE);
        List<ClickEvent> events =
                ClickStreams.synthesised(data, Instant.EPOCH, Duration.ofMinutes(1));
        // PROVENANCE.md: 2,928 users and 19,712 interactions
        assertThat(events).hasSize(19_712);
        assertThat(events.stream().map(ClickEvent::getUserId).distinct().count()).isEqualTo(2_928);
    }

    @Test
    void shouldKeepMovieLensRealTimesAsRatingsInTimeOrder(@TempDir Path dir) throws Exception {
        MovieLensLog log =
                MovieLensReader.readLog(
                        TinyMovieLens.write(dir.resolve("ml-tiny")),
                        MovieLensReader.Options.defaults());
        List<ClickEvent> events = ClickStreams.timestamped(log);

        assertThat(events)
                .extracting(
                        e ->
                                e.getEventId()
                                        + " "
                                        + e.getItemId()
                                        + " "
                                        + e.getEventTime()
                                        + " "
                                        + e.getValue())
                .containsExactly(
                        "ml-tiny-u1-0 10 1970-01-01T00:16:40Z 4.0",
                        "ml-tiny-u2-0 10 1970-01-01T00:16:42Z 4.5",
                        "ml-tiny-u2-1 20 1970-01-01T00:16:42Z 2.0",
                        "ml-tiny-u1-1 20 1970-01-01T00:16:45Z 3.5",
                        "ml-tiny-u1-2 30 1970-01-01T00:16:50Z 5.0",
                        "ml-tiny-u2-2 30 1970-01-01T00:17:00Z 1.0");
        assertThat(events).allMatch(e -> e.getEventType() == EventType.RATING);
        assertThat(events).allMatch(e -> e.getEventId().startsWith("ml-tiny-" + e.getUserId()));
    }

    @Test
    void shouldStreamEveryRatingOfTheRealMovieLensDataset() {
        Path dir = Path.of("..", "..", "shared", "data", "movielens-latest-small");
        assumeTrue(Files.isDirectory(dir), "real dataset not present at " + dir.toAbsolutePath());
        List<ClickEvent> events =
                ClickStreams.timestamped(
                        MovieLensReader.readLog(dir, MovieLensReader.Options.defaults()));
        // PROVENANCE.md: 610 users, 100,836 ratings
        assertThat(events).hasSize(100_836);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getEventTime())
                    .isAfterOrEqualTo(events.get(i - 1).getEventTime());
        }
    }
}
