package dev.missrec.model.interest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterestDiscoveryTest {

    @Test
    void shouldUseTheReferenceClusterCount() {
        // Scientific here: 1,585 items, 2 modalities, ratio 0.5 -> K = N - 1
        assertThat(InterestDiscovery.clusterCount(3170, 0.5)).isEqualTo(1585);
        assertThat(InterestDiscovery.clusterCount(893_950, 0.02)).isEqualTo(17_879);
        assertThat(InterestDiscovery.clusterCount(3, 0.01)).isEqualTo(1);
        assertThatThrownBy(() -> InterestDiscovery.clusterCount(10, 0))
                .hasMessageContaining("interest ratio");
    }

    @Test
    void shouldShiftClusterIdsByOneAndKeepPaddingAtZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            // items 1, 2 near (0, 0); item 3 near (10, 10); text and image of an item agree
            float[] rows = {7, 7, 0, 0, 0.1f, 0, 10, 10};
            NDArray text = m.create(rows, new Shape(4, 2));
            NDArray image = m.create(rows, new Shape(4, 2)).add(0.05f);
            InterestTables t =
                    InterestDiscovery.discover(text, image, 0.3, 5, new Random(0), false);
            assertThat(t.k()).isEqualTo(2);
            assertThat(t.textLookup()[0]).isZero();
            assertThat(t.imageLookup()[0]).isZero();
            assertThat(t.textLookup()[1]).isBetween(1, 2);
            assertThat(t.textLookup()[2]).isEqualTo(t.textLookup()[1]);
            assertThat(t.imageLookup()[1]).isEqualTo(t.textLookup()[1]);
            assertThat(t.textLookup()[3]).isNotEqualTo(t.textLookup()[1]);
            assertThat(t.imageLookup()[3]).isEqualTo(t.textLookup()[3]);
            // row 0 of the interest embeddings is the all-zero padding token
            assertThat(t.embeddings()[0]).isZero();
            assertThat(t.embeddings()[1]).isZero();
            int far = t.textLookup()[3];
            // a running mean over passes (torchpq), so it may lag behind (10, 10) but not stay near
            // 0
            assertThat(t.embeddings()[far * 2]).isGreaterThan(5f);
        }
    }
}
