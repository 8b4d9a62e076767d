package dev.missrec.model.baseline;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Item and transition counts over each user's training sequence {@code t = s[:-2]}, counted once
 * per interaction, not once per prefix row.
 *
 * <p>The training rows are every prefix of {@code t} (MISSREC-SPEC.md §1.4), so counting items over
 * the rows' histories would weight an early item by how many later items the user has. Instead the
 * sequence is reconstructed implicitly: the targets of a user's rows are {@code t[1..]}, the row
 * whose history has length 1 holds {@code t[0]} (a user with {@code |t| = 1} has no rows, and then
 * {@code t = } the validation history), and each row's (last history item, target) is exactly one
 * consecutive pair of {@code t}. This is exact even when histories were truncated to L, and uses no
 * validation or test target.
 */
final class TrainingCounts {
    final int numItems;

    /** Occurrences of each item in the training sequences (index = internal id). */
    final long[] itemCounts;

    final long totalCount;

    /** {@code transitions.get(i).get(j)}: times j directly followed i in a training sequence. */
    final Map<Integer, Map<Integer, Integer>> transitions;

    private TrainingCounts(
            int numItems,
            long[] itemCounts,
            long totalCount,
            Map<Integer, Map<Integer, Integer>> transitions) {
        this.numItems = numItems;
        this.itemCounts = itemCounts;
        this.totalCount = totalCount;
        this.transitions = transitions;
    }

    static TrainingCounts of(SequenceDataset data) {
        int n = data.numItems();
        long[] counts = new long[n];
        Map<Integer, Map<Integer, Integer>> transitions = new HashMap<>();
        Set<Integer> usersWithRows = new HashSet<>();
        for (SequenceExample row : data.train()) {
            usersWithRows.add(row.user());
            counts[row.target()]++;
            int[] h = row.history();
            if (h.length == 1) {
                counts[h[0]]++;
            }
            transitions
                    .computeIfAbsent(h[h.length - 1], k -> new HashMap<>())
                    .merge(row.target(), 1, Integer::sum);
        }
        for (SequenceExample v : data.valid()) {
            if (!usersWithRows.contains(v.user())) {
                for (int item : v.history()) {
                    counts[item]++;
                }
            }
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return new TrainingCounts(n, counts, total, transitions);
    }
}
