package dev.missrec.jobs.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user's interaction sequence after a click changed it: the request the inference operator turns
 * into a {@code Recommendation}. It carries the triggering click whole, so the inference operator
 * can still dead-letter it (e.g. an item the model does not know) with its raw bytes.
 */
public class SequenceUpdate {
    public String userId;

    /** External item ids, oldest first, at most L. */
    public String[] itemIds;

    /** The click that triggered this request. */
    public Click trigger;

    public SequenceUpdate() {}

    public SequenceUpdate(String userId, String[] itemIds, Click trigger) {
        this.userId = userId;
        this.itemIds = itemIds;
        this.trigger = trigger;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceUpdate s
                && Objects.equals(userId, s.userId)
                && Arrays.equals(itemIds, s.itemIds)
                && Objects.equals(trigger, s.trigger);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, trigger) * 31 + Arrays.hashCode(itemIds);
    }

    @Override
    public String toString() {
        return "SequenceUpdate{" + userId + " " + Arrays.toString(itemIds) + " by " + trigger + "}";
    }
}
