package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaveOneOutSplitTest {

    @Test
    void shouldWriteEveryTrainingPrefixAndHoldOutTheLastTwoItems() {
        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        LeaveOneOutSplit.split(7, new int[] {11, 12, 13, 14, 15, 16}, 50, train, valid, test);

        // t = [11,12,13,14]: n_u - 3 = 3 rows, longest prefix first as the reference writes them
        assertThat(train).hasSize(3);
        assertThat(train.get(0).history()).containsExactly(11, 12, 13);
        assertThat(train.get(0).target()).isEqualTo(14);
        assertThat(train.get(2).history()).containsExactly(11);
        assertThat(train.get(2).target()).isEqualTo(12);
        assertThat(valid.get(0).history()).containsExactly(11, 12, 13, 14);
        assertThat(valid.get(0).target()).isEqualTo(15);
        assertThat(test.get(0).history()).containsExactly(11, 12, 13, 14, 15);
        assertThat(test.get(0).target()).isEqualTo(16);
        assertThat(test.get(0).user()).isEqualTo(7);
    }

    @Test
    void shouldKeepOnlyTheLastLItemsOfEveryHistory() {
        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        LeaveOneOutSplit.split(1, new int[] {1, 2, 3, 4, 5, 6}, 2, train, valid, test);
        assertThat(train.get(0).history()).containsExactly(2, 3);
        assertThat(test.get(0).history()).containsExactly(4, 5);
    }

    @Test
    void shouldRejectASequenceTooShortForLeaveOneOut() {
        assertThatThrownBy(
                        () ->
                                LeaveOneOutSplit.split(
                                        3,
                                        new int[] {1, 2},
                                        50,
                                        new ArrayList<>(),
                                        new ArrayList<>(),
                                        new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user 3 has 2 items");
    }
}
