package dev.missrec.model.serve;

/**
 * The outcome of an item update offered to a recommender.
 *
 * @param accepted whether the catalog took the update
 * @param reason why it was refused (null when accepted)
 */
public record ItemChange(boolean accepted, String reason) {
    public static final ItemChange ACCEPTED = new ItemChange(true, null);

    /** A refused update and its reason. */
    public static ItemChange rejected(String reason) {
        return new ItemChange(false, reason);
    }
}
