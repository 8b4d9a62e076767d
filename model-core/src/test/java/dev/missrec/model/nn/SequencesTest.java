package dev.missrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequencesTest {

    @Test
    void shouldRightPadToTheLongestHistoryAndKeepTheLastLItems() {
        Sequences.PaddedBatch b =
                Sequences.padRight(List.of(new int[] {5, 6, 7, 8}, new int[] {9}), 3);
        assertThat(b.batch()).isEqualTo(2);
        assertThat(b.width()).isEqualTo(3);
        assertThat(b.items()).containsExactly(6, 7, 8, 9, 0, 0);
        assertThat(b.lengths()).containsExactly(3, 1);
    }

    @Test
    void shouldRefuseEmptyHistoriesAndPaddingIds() {
        assertThatThrownBy(() -> Sequences.padRight(List.of(new int[0]), 5))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Sequences.padRight(List.of(new int[] {3, 0}), 5))
                .hasMessageContaining("item id 0");
    }

    @Test
    void shouldGatherTheStateAtEachRowsLastRealPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (B=2, T=3, D=2), value = 10*b + t in both features
            float[] v = new float[12];
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 3; t++) {
                    v[(b * 3 + t) * 2] = 10 * b + t;
                    v[(b * 3 + t) * 2 + 1] = -(10 * b + t);
                }
            }
            NDArray hidden = m.create(v, new Shape(2, 3, 2));
            NDArray lengths = m.create(new long[] {2, 3});
            float[] last = Sequences.gatherLast(hidden, lengths).toFloatArray();
            assertThat(last).containsExactly(1, -1, 12, -12);
        }
    }

    @Test
    void shouldMarkRealItemsInTheKeepMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(new long[] {4, 2, 0, 7, 0, 0}, new Shape(2, 3));
            assertThat(Sequences.keepMask(ids).toBooleanArray())
                    .containsExactly(true, true, false, true, false, false);
        }
    }
}
