package dev.missrec.model.interest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InterestTokensTest {
    // items 1..4: text interests 3,3,1,2 ; image interests 2,5,1,4
    private static final InterestTables TABLES =
            new InterestTables(
                    new int[] {0, 3, 3, 1, 2}, new int[] {0, 2, 5, 1, 4}, new float[6 * 1], 5, 1);

    @Test
    void shouldSortAndDeduplicateTheTextAndImageInterestsOfEachHistory() {
        InterestTokens.Batch b =
                InterestTokens.dedup(List.of(new int[] {1, 2, 1}, new int[] {3, 4}), TABLES, 3);
        // row 0 has length L = 3: no padding token; {3,2,3,5,3,2} -> 2,3,5
        // row 1 is shorter than L: the padding token 0 comes first; {1,1,2,4} + 0 -> 0,1,2,4
        assertThat(b.width()).isEqualTo(4);
        assertThat(b.row(0)).containsExactly(2, 3, 5, 0);
        assertThat(b.row(1)).containsExactly(0, 1, 2, 4);
    }

    @Test
    void shouldRefuseItemsOutsideTheTables() {
        assertThatThrownBy(() -> InterestTokens.dedup(List.of(new int[] {9}), TABLES, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item id 9");
    }
}
