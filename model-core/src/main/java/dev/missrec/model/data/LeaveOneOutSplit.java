package dev.missrec.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a user's leave-one-out cases from the full chronological sequence exactly as the reference
 * preprocessing does (MISSREC-SPEC.md §1.4, UniSRec process_amazon.py:244-259, 333-361).
 *
 * <p>With {@code s} the sequence and {@code t = s[:-2]}: training cases {@code t[:k] -> t[k]} for
 * every k = 1..len(t)-1 (longest first, as the reference writes them), the validation case {@code t
 * -> s[-2]} and the test case {@code s[:-1] -> s[-1]}; every history keeps its last L items.
 */
public final class LeaveOneOutSplit {
    private LeaveOneOutSplit() {}

    /** Minimum sequence length: two held-out items and one item of history. */
    public static final int MIN_LENGTH = 3;

    /**
     * Appends the cases of {@code user}'s {@code sequence} to the three lists.
     *
     * @throws IllegalArgumentException if the sequence is shorter than {@link #MIN_LENGTH} or holds
     *     the padding id 0
     */
    public static void split(
            int user,
            int[] sequence,
            int maxLength,
            List<SequenceExample> train,
            List<SequenceExample> valid,
            List<SequenceExample> test) {
        if (sequence.length < MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "user "
                            + user
                            + " has "
                            + sequence.length
                            + " items; leave-one-out needs at least "
                            + MIN_LENGTH);
        }
        for (int item : sequence) {
            if (item <= 0) {
                throw new IllegalArgumentException(
                        "user " + user + " has item id " + item + "; real ids start at 1");
            }
        }
        int trainLen = sequence.length - 2;
        List<SequenceExample> rows = new ArrayList<>();
        for (int k = trainLen - 1; k >= 1; k--) {
            rows.add(new SequenceExample(user, lastN(sequence, k, maxLength), sequence[k]));
        }
        train.addAll(rows);
        valid.add(
                new SequenceExample(
                        user, lastN(sequence, trainLen, maxLength), sequence[trainLen]));
        int n = sequence.length;
        test.add(new SequenceExample(user, lastN(sequence, n - 1, maxLength), sequence[n - 1]));
    }

    private static int[] lastN(int[] sequence, int end, int maxLength) {
        return Arrays.copyOfRange(sequence, Math.max(0, end - maxLength), end);
    }
}
