package dev.missrec.jobs.event;

import dev.missrec.model.serve.LiveItemCatalog;

/**
 * The latest item record of the items topic as kept in the inference operator's broadcast state, so
 * that a restored job, and every newly loaded model, serves the same live catalog.
 */
public class CatalogItem {
    public LiveItemCatalog.Status status;

    /** Text features, or null when missing. */
    public float[] textEmbedding;

    /** Image features, or null when missing. */
    public float[] imageEmbedding;

    /** The source's change time (epoch ms). */
    public long updateTime;

    public CatalogItem() {}

    public static CatalogItem of(ControlEvent update) {
        CatalogItem item = new CatalogItem();
        item.status = update.status;
        item.textEmbedding = update.textEmbedding;
        item.imageEmbedding = update.imageEmbedding;
        item.updateTime = update.updateTime;
        return item;
    }

    /** Whether the record carries features (a status-only record of a trained item does not). */
    public boolean hasFeatures() {
        return textEmbedding != null || imageEmbedding != null;
    }
}
