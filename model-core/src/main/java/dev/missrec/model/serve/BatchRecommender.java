package dev.missrec.model.serve;

import java.util.List;

/**
 * Recommends the top-K items for a batch of user histories given in external item ids. One instance
 * is used by one thread at a time, with one exception implementations must allow: {@link #knows}
 * may run while a {@link #recommend} call runs on another thread (the job checks the next click
 * while the model answers the previous batch). Closing it frees its native memory.
 */
public interface BatchRecommender extends AutoCloseable {

    /** The model version that produces the recommendations. */
    String modelVersion();

    /**
     * Top-K items per history.
     *
     * @param histories external item ids, oldest first; ids the model does not know are ignored and
     *     counted in {@link Recommendations#unknownItems()}
     * @param k how many items to return per history
     */
    List<Recommendations> recommend(List<String[]> histories, int k);

    /** Whether the model can use {@code itemId} (in a history or as a candidate). */
    boolean knows(String itemId);

    /**
     * Makes an item recommendable or not (blocked, deleted) from now on.
     *
     * @return false when this recommender does not know the item (e.g. a model that cannot score
     *     items it was not trained with), true when the change took effect
     */
    boolean setRecommendable(String itemId, boolean recommendable);

    /**
     * Applies an item record of the items topic: adds the item or replaces its features (either
     * modality may be null: missing), and sets its status. Without features only the status of a
     * known item changes. The default suits a model that scores only the items it was trained with:
     * it takes status changes of those and refuses new items.
     *
     * @param updateTime the source's change time; an older update never overrides a newer one
     */
    default ItemChange updateItem(
            String itemId,
            float[] text,
            float[] image,
            LiveItemCatalog.Status status,
            long updateTime) {
        if (!knows(itemId)) {
            return ItemChange.rejected(
                    "item "
                            + itemId
                            + " is unknown to model "
                            + modelVersion()
                            + ", which cannot score items from their features");
        }
        setRecommendable(itemId, status == LiveItemCatalog.Status.ACTIVE);
        return ItemChange.ACCEPTED;
    }

    /** How many items may be recommended now (trained and run-time items, blocked ones not). */
    int catalogSize();

    @Override
    void close();
}
