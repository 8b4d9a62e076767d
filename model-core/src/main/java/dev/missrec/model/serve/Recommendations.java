package dev.missrec.model.serve;

/**
 * The top-K items recommended for one history, best first.
 *
 * @param itemIds external item ids, best first (at most K; fewer when fewer items qualify)
 * @param scores the model's scores of {@code itemIds}, non-increasing
 * @param unknownItems how many history items the model did not know and therefore ignored
 * @param modelVersion the model version that produced them
 */
public record Recommendations(
        String[] itemIds, float[] scores, int unknownItems, String modelVersion) {
    public Recommendations {
        if (itemIds.length != scores.length) {
            throw new IllegalArgumentException(
                    itemIds.length + " items but " + scores.length + " scores");
        }
    }
}
