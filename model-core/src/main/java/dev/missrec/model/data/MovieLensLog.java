package dev.missrec.model.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A MovieLens interaction log after {@link MovieLensReader}'s filtering, in internal ids, with the
 * real event times: every user's interactions in time order, the item tokens (MovieLens movieIds)
 * and item texts. {@link #toDataset} turns it into leave-one-out cases; the streaming demo and the
 * replay evaluation use {@link #users()} or {@link #eventsByTime()} to replay the same interactions
 * at their real times.
 *
 * <p>Ids follow {@link SequenceDataset}: items 1..{@code numItems()-1} with PAD = 0, users
 * 1..{@code numUsers()}; {@code users().get(u - 1)} is user u.
 *
 * @param name dataset name
 * @param maxLength L: histories of {@link #toDataset} keep their last L items (the item numbering
 *     follows RecBole's remap of those truncated files, see {@link MovieLensReader})
 * @param userTokens internal user id to MovieLens userId; index 0 is "[PAD]"
 * @param itemTokens internal item id to MovieLens movieId; index 0 is "[PAD]"
 * @param itemTexts internal item id to "title. genres. tags."; index 0 is ""
 * @param users one sequence per user, user 1 first
 */
public record MovieLensLog(
        String name,
        int maxLength,
        String[] userTokens,
        String[] itemTokens,
        String[] itemTexts,
        List<UserSequence> users) {

    public MovieLensLog {
        Objects.requireNonNull(name, "name");
        users = List.copyOf(users);
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
        }
        if (userTokens.length != users.size() + 1) {
            throw new IllegalArgumentException(
                    users.size() + " users but " + userTokens.length + " user tokens (with PAD)");
        }
        if (itemTexts.length != itemTokens.length) {
            throw new IllegalArgumentException(
                    itemTokens.length + " item tokens but " + itemTexts.length + " texts");
        }
        for (int u = 1; u <= users.size(); u++) {
            UserSequence s = users.get(u - 1);
            if (s.user() != u) {
                throw new IllegalArgumentException(
                        "sequence " + (u - 1) + " belongs to user " + s.user() + ", expected " + u);
            }
            for (int item : s.items()) {
                if (item < 1 || item >= itemTokens.length) {
                    throw new IllegalArgumentException(
                            "user "
                                    + u
                                    + " has item id "
                                    + item
                                    + " outside 1.."
                                    + itemTokens.length);
                }
            }
        }
    }

    /**
     * One user's interactions, oldest first.
     *
     * @param user internal user id
     * @param items internal item ids
     * @param timestamps event times in unix seconds, non-decreasing, parallel to {@code items}
     * @param ratings the user's ratings (0.5..5 stars in MovieLens), parallel to {@code items}
     */
    public record UserSequence(int user, int[] items, long[] timestamps, float[] ratings) {
        public UserSequence {
            if (items.length != timestamps.length || items.length != ratings.length) {
                throw new IllegalArgumentException(
                        "user "
                                + user
                                + ": "
                                + items.length
                                + " items, "
                                + timestamps.length
                                + " timestamps, "
                                + ratings.length
                                + " ratings");
            }
            if (items.length < LeaveOneOutSplit.MIN_LENGTH) {
                throw new IllegalArgumentException(
                        "user "
                                + user
                                + " has "
                                + items.length
                                + " interactions; need at least "
                                + LeaveOneOutSplit.MIN_LENGTH);
            }
            for (int i = 1; i < timestamps.length; i++) {
                if (timestamps[i] < timestamps[i - 1]) {
                    throw new IllegalArgumentException(
                            "user " + user + ": timestamps go back in time at position " + i);
                }
            }
        }

        /** Number of interactions. */
        public int length() {
            return items.length;
        }
    }

    /**
     * One interaction of the log.
     *
     * @param user internal user id
     * @param item internal item id
     * @param timestamp unix seconds
     * @param rating the rating given
     */
    public record Interaction(int user, int item, long timestamp, float rating) {}

    /** Number of users. */
    public int numUsers() {
        return users.size();
    }

    /** N: number of items including the padding item 0. */
    public int numItems() {
        return itemTokens.length;
    }

    /** Number of interactions over all users. */
    public long interactions() {
        long n = 0;
        for (UserSequence s : users) {
            n += s.length();
        }
        return n;
    }

    /**
     * Every interaction ordered by time; ties by user, then by the user's own order (which breaks
     * same-second ties by movieId, see {@link MovieLensReader}).
     */
    public List<Interaction> eventsByTime() {
        List<Interaction> events = new ArrayList<>((int) interactions());
        for (UserSequence s : users) {
            for (int i = 0; i < s.length(); i++) {
                events.add(
                        new Interaction(s.user(), s.items()[i], s.timestamps()[i], s.ratings()[i]));
            }
        }
        // Stable sort: equal (time, user) keep the user's order.
        events.sort(
                Comparator.comparingLong(Interaction::timestamp)
                        .thenComparingInt(Interaction::user));
        return events;
    }

    /**
     * The leave-one-out dataset of this log (MISSREC-SPEC.md §1.4, via {@link LeaveOneOutSplit}),
     * histories truncated to {@link #maxLength()}.
     *
     * @param textFeatures item text features [N, P], or null for none
     * @param imageFeatures item image features [N, P], or null for none (MovieLens has no images)
     */
    public SequenceDataset toDataset(
            ItemFeatureTable textFeatures, ItemFeatureTable imageFeatures) {
        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        for (UserSequence s : users) {
            LeaveOneOutSplit.split(s.user(), s.items(), maxLength, train, valid, test);
        }
        return new SequenceDataset(
                name,
                users.size(),
                itemTokens.clone(),
                itemTexts.clone(),
                textFeatures,
                imageFeatures,
                train,
                valid,
                test);
    }
}
