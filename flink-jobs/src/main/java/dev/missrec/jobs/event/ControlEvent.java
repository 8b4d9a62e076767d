package dev.missrec.jobs.event;

import dev.missrec.model.serve.LiveItemCatalog;

/**
 * A change broadcast to every inference subtask: a new model version to hot-swap in, or an item
 * whose status changed (blocked, deleted, active again). A record that could not be decoded arrives
 * as a {@link #rejection} instead and goes to the dead-letter topic.
 */
public class ControlEvent {
    /** What changed. */
    public enum Kind {
        MODEL_UPDATE,
        ITEM_UPDATE
    }

    public Kind kind;

    /** For MODEL_UPDATE. */
    public ModelRef model;

    /** For ITEM_UPDATE: the item and whether it may be recommended. */
    public String itemId;

    public boolean recommendable;

    /** For ITEM_UPDATE: ACTIVE, BLOCKED or DELETED (the items topic's ItemStatus). */
    public LiveItemCatalog.Status status;

    /** For ITEM_UPDATE: text features, or null when the item has no text embedding. */
    public float[] textEmbedding;

    /** For ITEM_UPDATE: image features, or null when the item has no image embedding. */
    public float[] imageEmbedding;

    /** For ITEM_UPDATE: where the record came from, for a dead letter if it cannot be used. */
    public String sourceTopic;

    public int sourcePartition;

    public long sourceOffset;

    public byte[] rawValue;

    /** For ITEM_UPDATE: epoch ms of the change, so an older update never overrides a newer one. */
    public long updateTime;

    /** Set instead of the fields above when the record was unusable. */
    public Rejection rejection;

    public ControlEvent() {}

    public static ControlEvent modelUpdate(ModelRef model) {
        ControlEvent e = new ControlEvent();
        e.kind = Kind.MODEL_UPDATE;
        e.model = model;
        return e;
    }

    public static ControlEvent itemUpdate(String itemId, boolean recommendable, long updateTime) {
        return itemUpdate(
                itemId,
                recommendable ? LiveItemCatalog.Status.ACTIVE : LiveItemCatalog.Status.BLOCKED,
                null,
                null,
                updateTime);
    }

    /** An item's status and features (either modality may be null: missing). */
    public static ControlEvent itemUpdate(
            String itemId,
            LiveItemCatalog.Status status,
            float[] text,
            float[] image,
            long updateTime) {
        ControlEvent e = new ControlEvent();
        e.kind = Kind.ITEM_UPDATE;
        e.itemId = itemId;
        e.status = status;
        e.recommendable = status == LiveItemCatalog.Status.ACTIVE;
        e.textEmbedding = text;
        e.imageEmbedding = image;
        e.updateTime = updateTime;
        return e;
    }

    public static ControlEvent rejected(Rejection rejection) {
        ControlEvent e = new ControlEvent();
        e.rejection = rejection;
        return e;
    }

    @Override
    public String toString() {
        return rejection != null
                ? "ControlEvent{" + rejection + "}"
                : "ControlEvent{"
                        + kind
                        + " "
                        + (model != null ? model : itemId + "=" + recommendable)
                        + "}";
    }
}
