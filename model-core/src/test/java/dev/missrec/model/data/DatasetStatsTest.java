package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetStatsTest {

    @Test
    void shouldCountEveryInteractionOnceEvenWhenHistoriesAreTruncated() {
        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        // 7 + 4 interactions; L = 2 truncates most histories
        LeaveOneOutSplit.split(1, new int[] {1, 2, 3, 4, 5, 6, 7}, 2, train, valid, test);
        LeaveOneOutSplit.split(2, new int[] {3, 4, 5, 6}, 2, train, valid, test);
        String[] tokens = {"[PAD]", "a", "b", "c", "d", "e", "f", "g", "h"};
        SequenceDataset d =
                new SequenceDataset("t", 2, tokens, null, null, null, train, valid, test);

        DatasetStats stats = DatasetStats.of(d);
        assertThat(stats.users()).isEqualTo(2);
        assertThat(stats.items()).isEqualTo(8);
        assertThat(stats.interactions()).isEqualTo(11);
    }
}
