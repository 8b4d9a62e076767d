package dev.missrec.model.serve;

import java.util.List;

/**
 * Recommends the top-K items for a batch of user histories given in external item ids. One instance
 * is used by one thread at a time; closing it frees its native memory.
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

    @Override
    void close();
}
