package dev.missrec.jobs.event;

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
        ControlEvent e = new ControlEvent();
        e.kind = Kind.ITEM_UPDATE;
        e.itemId = itemId;
        e.recommendable = recommendable;
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
