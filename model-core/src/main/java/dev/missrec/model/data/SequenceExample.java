package dev.missrec.model.data;

/**
 * One training or evaluation case: a user's history (internal item ids, oldest first, no padding)
 * and the next item to predict.
 *
 * @param user internal user id (1-based; 0 is unused, as RecBole's PAD user)
 * @param history item ids, oldest first, at most L long, never containing 0
 * @param target the item that followed the history
 */
public record SequenceExample(int user, int[] history, int target) {
    public SequenceExample {
        if (history.length == 0) {
            throw new IllegalArgumentException("empty history for user " + user);
        }
    }
}
