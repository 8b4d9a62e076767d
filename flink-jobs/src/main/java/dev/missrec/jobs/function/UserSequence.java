package dev.missrec.jobs.function;

import java.util.Arrays;

/**
 * One user's rolling interaction sequence, as kept in keyed state: the last L items in event-time
 * order, the ids of recent events (to drop redeliveries) and when a recommendation was last
 * recomputed. Plain Java rules, no Flink, so they are tested directly.
 *
 * <p>A Flink POJO (public fields, no-arg constructor), so RocksDB state uses Flink's POJO
 * serializer, which supports adding fields later.
 */
public class UserSequence {
    /** What {@link #add} did with an event. */
    public enum Outcome {
        /** Appended at the end: the usual case. */
        APPENDED,
        /** Placed before later events already in the sequence (arrived out of order). */
        INSERTED_OUT_OF_ORDER,
        /** Older than every one of the L kept items of a full sequence: changes nothing. */
        OUTSIDE_WINDOW,
        /** An event with this id was already applied (a redelivery): ignored. */
        DUPLICATE
    }

    /** External item ids, oldest first. */
    public String[] itemIds = new String[0];

    /** Event times of {@link #itemIds}, non-decreasing. */
    public long[] eventTimes = new long[0];

    /** Ids of the most recent events applied, oldest first, bounded. */
    public String[] recentEventIds = new String[0];

    /** Event time of the click that last triggered a recommendation; MIN_VALUE if none. */
    public long lastRecomputeEventTime = Long.MIN_VALUE;

    public UserSequence() {}

    /**
     * Applies one event: ignores a redelivered event id, otherwise inserts the item at its
     * event-time position (after events with the same time, so arrival order breaks ties) and keeps
     * only the last {@code maxLength} items.
     *
     * @param dedupWindow how many recent event ids are remembered for de-duplication
     */
    public Outcome add(
            String eventId, String itemId, long eventTime, int maxLength, int dedupWindow) {
        for (String seen : recentEventIds) {
            if (seen.equals(eventId)) {
                return Outcome.DUPLICATE;
            }
        }
        rememberEventId(eventId, dedupWindow);

        int n = itemIds.length;
        int pos = n;
        while (pos > 0 && eventTimes[pos - 1] > eventTime) {
            pos--;
        }
        if (n >= maxLength && pos == 0) {
            return Outcome.OUTSIDE_WINDOW;
        }
        String[] items = new String[n + 1];
        long[] times = new long[n + 1];
        System.arraycopy(itemIds, 0, items, 0, pos);
        System.arraycopy(eventTimes, 0, times, 0, pos);
        items[pos] = itemId;
        times[pos] = eventTime;
        System.arraycopy(itemIds, pos, items, pos + 1, n - pos);
        System.arraycopy(eventTimes, pos, times, pos + 1, n - pos);
        int drop = Math.max(0, items.length - maxLength);
        itemIds = Arrays.copyOfRange(items, drop, items.length);
        eventTimes = Arrays.copyOfRange(times, drop, times.length);
        return pos == n ? Outcome.APPENDED : Outcome.INSERTED_OUT_OF_ORDER;
    }

    /**
     * Whether a click at {@code eventTime} may trigger a recomputation, given the minimum interval
     * between two recomputations for one user (event time, so replays behave like live runs).
     */
    public boolean mayRecompute(long eventTime, long minIntervalMillis) {
        return minIntervalMillis <= 0
                || lastRecomputeEventTime == Long.MIN_VALUE
                || eventTime - lastRecomputeEventTime >= minIntervalMillis;
    }

    private void rememberEventId(String eventId, int window) {
        int keep = Math.min(recentEventIds.length, Math.max(window - 1, 0));
        String[] ids = new String[keep + 1];
        System.arraycopy(recentEventIds, recentEventIds.length - keep, ids, 0, keep);
        ids[keep] = eventId;
        recentEventIds = ids;
    }
}
