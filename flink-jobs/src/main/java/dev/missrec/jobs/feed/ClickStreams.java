package dev.missrec.jobs.feed;

import dev.missrec.model.data.DatasetException;
import dev.missrec.model.data.MovieLensLog;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a sequential dataset into the click stream the clicks topic carries: every interaction of
 * every user, in event-time order across all users.
 *
 * <p>MISSRec/RecBole datasets have no timestamps, only the chronological order within each user's
 * sequence, so event time is synthesised from that order: user {@code u}'s {@code i}-th interaction
 * (0-based) happens at {@code start + i*step + rank(u)*step/U}, where {@code rank(u)} is the user's
 * 0-based position among the {@code U} users sorted by internal id. Users are thus interleaved
 * round-robin — everyone's first interaction, then everyone's second, and so on — and each user's
 * events are exactly {@code step} apart, while the per-user offset spreads one round over the step
 * so that the global stream rises steadily instead of in bursts.
 */
public final class ClickStreams {
    private ClickStreams() {}

    /** One scheduled interaction: the user's index, the position in its sequence, its time. */
    public record Slot(int user, int position, long eventTimeMillis) {}

    /**
     * Schedules the interactions of users whose sequences have the given lengths (see the class
     * comment), returned in event-time order; ties (a step shorter than U milliseconds) keep the
     * user order.
     *
     * @param lengths sequence length of each user, by user index
     * @throws IllegalArgumentException if the step is not positive or a length is negative
     */
    public static List<Slot> interleave(int[] lengths, long startMillis, long stepMillis) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("the step must be positive: " + stepMillis + "ms");
        }
        int maxLength = 0;
        long total = 0;
        for (int len : lengths) {
            if (len < 0) {
                throw new IllegalArgumentException("negative sequence length " + len);
            }
            maxLength = Math.max(maxLength, len);
            total += len;
        }
        List<Slot> slots = new ArrayList<>((int) Math.min(total, Integer.MAX_VALUE));
        int users = lengths.length;
        // Round by round; within a round the offsets rise with the user index, and every offset is
        // below one step, so this loop order already is the time order.
        for (int i = 0; i < maxLength; i++) {
            for (int u = 0; u < users; u++) {
                if (i < lengths[u]) {
                    long offset = (long) ((double) u * stepMillis / users);
                    slots.add(new Slot(u, i, startMillis + i * stepMillis + offset));
                }
            }
        }
        return slots;
    }

    /**
     * Each user's full interaction sequence (internal item ids, oldest first), keyed and sorted by
     * internal user id: the test case's history followed by its target (MISSREC-SPEC.md §1.4), so
     * read the dataset with a history length that keeps whole sequences.
     *
     * @throws DatasetException if a user has more than one test case
     */
    public static Map<Integer, int[]> fullSequences(SequenceDataset data) {
        Map<Integer, int[]> sequences = new TreeMap<>();
        for (SequenceExample test : data.test()) {
            int[] history = test.history();
            int[] sequence = new int[history.length + 1];
            System.arraycopy(history, 0, sequence, 0, history.length);
            sequence[history.length] = test.target();
            if (sequences.put(test.user(), sequence) != null) {
                throw DatasetException.invalid(
                        "dataset " + data.name() + " has two test cases for user " + test.user());
            }
        }
        return sequences;
    }

    /** The external user id of internal user {@code user} (the datasets keep no user tokens). */
    public static String userId(int user) {
        return "u" + user;
    }

    /**
     * The click stream of {@code data}: every user's full sequence as {@code CLICK} events with
     * synthesised event times (see the class comment), in event-time order.
     *
     * <p>Keys and ids: {@code userId} is {@link #userId}, {@code itemId} the dataset's item token
     * (what the model's recommender returns), {@code eventId} {@code <dataset>-<user>-<index>} with
     * the 0-based index in the user's sequence, so re-producing a dataset gives the same ids and
     * the job's de-duplication recognises them.
     */
    public static List<ClickEvent> synthesised(SequenceDataset data, Instant start, Duration step) {
        Map<Integer, int[]> sequences = fullSequences(data);
        int[] users = new int[sequences.size()];
        int[][] items = new int[sequences.size()][];
        int[] lengths = new int[sequences.size()];
        int u = 0;
        for (Map.Entry<Integer, int[]> e : sequences.entrySet()) {
            users[u] = e.getKey();
            items[u] = e.getValue();
            lengths[u] = e.getValue().length;
            u++;
        }
        String[] tokens = data.itemTokens();
        List<Slot> slots = interleave(lengths, start.toEpochMilli(), step.toMillis());
        List<ClickEvent> events = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            String user = userId(users[slot.user()]);
            events.add(
                    ClickEvent.newBuilder()
                            .setEventId(data.name() + "-" + user + "-" + slot.position())
                            .setUserId(user)
                            .setItemId(tokens[items[slot.user()][slot.position()]])
                            .setEventType(EventType.CLICK)
                            .setEventTime(Instant.ofEpochMilli(slot.eventTimeMillis()))
                            .build());
        }
        return events;
    }

    /**
     * How much event time a synthesised stream of {@code data} spans: {@code step} times the
     * longest sequence, so a caller can end the stream at a chosen time.
     */
    public static Duration span(SequenceDataset data, Duration step) {
        int longest = 0;
        for (int[] s : fullSequences(data).values()) {
            longest = Math.max(longest, s.length);
        }
        return step.multipliedBy(longest);
    }

    /**
     * The click stream of a MovieLens log at its real times: every rating as a {@code RATING} event
     * with the stars as {@code value}, ordered by {@link MovieLensLog#eventsByTime()} (time, then
     * user, then the user's own order). {@code userId} is {@code u<MovieLens userId>}, {@code
     * itemId} the movieId and {@code eventId} {@code <name>-<user>-<index in the user's sequence>}.
     */
    public static List<ClickEvent> timestamped(MovieLensLog log) {
        List<MovieLensLog.Interaction> events = log.eventsByTime();
        int[] seen = new int[log.numUsers() + 1];
        String[] tokens = log.itemTokens();
        List<ClickEvent> clicks = new ArrayList<>(events.size());
        for (MovieLensLog.Interaction e : events) {
            String user = "u" + log.userTokens()[e.user()];
            clicks.add(
                    ClickEvent.newBuilder()
                            .setEventId(log.name() + "-" + user + "-" + seen[e.user()]++)
                            .setUserId(user)
                            .setItemId(tokens[e.item()])
                            .setEventType(EventType.RATING)
                            .setEventTime(Instant.ofEpochSecond(e.timestamp()))
                            .setValue((double) e.rating())
                            .build());
        }
        return clicks;
    }
}
