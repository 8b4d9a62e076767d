package dev.missrec.model.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Size of a dataset as the comparison report states it: real users, real items (PAD excluded) and
 * interactions.
 *
 * <p>Interactions are counted as the reference's logs derive them (MISSREC-SPEC.md §1.5): the rows
 * of the three splits count Σ(n_u − 1), so adding one per user gives Σ n_u. This holds for any
 * leave-one-out dataset built as §1.4, even when histories were truncated to L.
 *
 * @param users number of distinct users with at least one case
 * @param items number of real items, N − 1
 * @param interactions Σ n_u over users
 */
public record DatasetStats(int users, int items, long interactions) {

    /** The statistics of {@code data}. */
    public static DatasetStats of(SequenceDataset data) {
        Set<Integer> users = new HashSet<>();
        long rows = 0;
        for (List<SequenceExample> split : List.of(data.train(), data.valid(), data.test())) {
            rows += split.size();
            for (SequenceExample c : split) {
                users.add(c.user());
            }
        }
        return new DatasetStats(users.size(), data.numItems() - 1, rows + users.size());
    }
}
