package dev.missrec.model.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Items announced at run time (the items topic): their features, either modality possibly missing,
 * and their status. Model-independent, so it outlives model versions: every model served builds its
 * item tables from its trained items plus this catalog.
 *
 * <p>Thread safety: writers and readers may be on different threads. Every accepted change bumps
 * the catalog {@link #version()}; {@link #changesSince} returns, atomically, the latest entry of
 * every item changed after a version, so a reader applies a consistent state and never a half
 * update.
 */
public final class LiveItemCatalog {

    /** Whether an item may be recommended (the schema's ItemStatus). */
    public enum Status {
        ACTIVE,
        BLOCKED,
        DELETED
    }

    /**
     * The latest state of one item.
     *
     * @param text text features or null when missing (or only the status is known)
     * @param image image features or null when missing
     * @param updateTime the source's change time; an older update never overrides a newer one
     * @param version the catalog version of this entry's last change
     * @param featuresVersion the catalog version at which the features last changed (0: never
     *     given, only a status)
     */
    public record Entry(
            String itemId,
            float[] text,
            float[] image,
            Status status,
            long updateTime,
            long version,
            long featuresVersion) {

        /** Whether the entry carries features (at least one modality). */
        public boolean hasFeatures() {
            return featuresVersion > 0;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private volatile long version;

    /**
     * Adds an item or replaces its features and status.
     *
     * @param text text features, or null when the item has no text embedding
     * @param image image features, or null when it has no image embedding
     * @return false when a newer update, or this same one, is already held (nothing changes)
     */
    public synchronized boolean put(
            String itemId, float[] text, float[] image, Status status, long updateTime) {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(status, "status");
        if (text == null && image == null) {
            throw new IllegalArgumentException(
                    "item " + itemId + ": no features; use setStatus to change only its status");
        }
        Entry old = entries.get(itemId);
        if (old != null && old.updateTime() > updateTime) {
            return false;
        }
        if (old != null
                && old.updateTime() == updateTime
                && old.status() == status
                && Arrays.equals(old.text(), text)
                && Arrays.equals(old.image(), image)) {
            return false; // the same record again (a replay): nothing changes
        }
        long v = version + 1;
        entries.put(
                itemId,
                new Entry(
                        itemId,
                        text == null ? null : text.clone(),
                        image == null ? null : image.clone(),
                        status,
                        updateTime,
                        v,
                        v));
        version = v;
        return true;
    }

    /**
     * Changes an item's status, keeping the features it has (a model's trained item needs none).
     *
     * @return false when an update at least as new is already held
     */
    public synchronized boolean setStatus(String itemId, Status status, long updateTime) {
        Objects.requireNonNull(status, "status");
        Entry old = entries.get(itemId);
        if (old != null && old.updateTime() > updateTime) {
            return false;
        }
        if (old != null && old.updateTime() == updateTime && old.status() == status) {
            return false; // the same change again
        }
        long v = version + 1;
        entries.put(
                itemId,
                old == null
                        ? new Entry(itemId, null, null, status, updateTime, v, 0)
                        : new Entry(
                                itemId,
                                old.text(),
                                old.image(),
                                status,
                                updateTime,
                                v,
                                old.featuresVersion()));
        version = v;
        return true;
    }

    /** The version of the latest accepted change (0 for an empty catalog). */
    public long version() {
        return version;
    }

    /** The latest entry of an item, or null. */
    public synchronized Entry get(String itemId) {
        return entries.get(itemId);
    }

    /** Items held, whatever their status. */
    public synchronized int size() {
        return entries.size();
    }

    /** The items changed after {@code since} and the version they bring a reader to. */
    public record Changes(long version, List<Entry> entries) {}

    /**
     * The latest entry of every item changed after version {@code since}, in the order of their
     * last change ({@code since = 0}: the whole catalog).
     */
    public synchronized Changes changesSince(long since) {
        if (since == version) {
            return new Changes(version, List.of());
        }
        List<Entry> changed = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.version() > since) {
                changed.add(e);
            }
        }
        changed.sort((a, b) -> Long.compare(a.version(), b.version()));
        return new Changes(version, changed);
    }
}
