package dev.missrec.model.interest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansTest {

    /** Two tight groups around (-5, 0) and (5, 1). */
    private static final float[] TWO_GROUPS = {
        -5.0f, 0.1f, -5.2f, -0.1f, -4.8f, 0.0f, 5.0f, 1.0f, 5.1f, 1.1f, 4.9f, 0.9f, 5.0f, 1.0f
    };

    @Test
    void shouldSeparateTwoWellSeparatedGroupsWhateverTheInitialPoints() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(TWO_GROUPS, new Shape(7, 2));
            for (long seed = 0; seed < 8; seed++) {
                int[] l = KMeans.fit(x, 2, 5, new Random(seed), false).labels();
                assertThat(l[0]).isEqualTo(l[1]).isEqualTo(l[2]);
                assertThat(l[3]).isEqualTo(l[4]).isEqualTo(l[5]).isEqualTo(l[6]);
                assertThat(l[0]).isNotEqualTo(l[3]);
            }
        }
    }

    @Test
    void shouldFollowTorchpqsRunningMeanUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1-D points {0, 1, 10}, initial centroids {0, 1}
            NDArray x = m.create(new float[] {0, 1, 10}, new Shape(3, 1));
            // pass 1 (n = 1): labels (0, 1, 1) -> centroids replaced by the means (0, 5.5);
            //   n = (2, 3)
            // pass 2: labels (0, 0, 1), means (0.5, 10) -> (0 / 2 + 0.5 / 2, 5.5 * 2/3 + 10 / 3)
            //   = (0.25, 7); n = (4, 4)
            // pass 3: same labels -> (0.25 * 3/4 + 0.5 / 4, 7 * 3/4 + 10 / 4) = (0.3125, 7.75)
            KMeans.Result r = KMeans.fitFrom(x, new float[] {0, 1}, 3, false);
            assertThat(r.centroids()).containsExactly(new float[] {0.3125f, 7.75f}, within(1e-6f));
            assertThat(r.labels()).containsExactly(0, 0, 1);
            assertThat(r.iterations()).isEqualTo(3);
        }
    }

    @Test
    void shouldGiveEmptyClustersAZeroMeanOnTheFirstPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            // the centroid at 100 attracts no point: with n = 1 it is replaced by 0
            NDArray x = m.create(new float[] {1, 2, 3}, new Shape(3, 1));
            KMeans.Result r = KMeans.fitFrom(x, new float[] {2, 100}, 1, false);
            assertThat(r.centroids()).containsExactly(new float[] {2f, 0f}, within(1e-6f));
        }
    }

    @Test
    void shouldStopEarlyOnceCentroidsStopMoving() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(TWO_GROUPS, new Shape(7, 2));
            // one initial point per group: pass 1 lands on the means, pass 2 moves nothing
            KMeans.Result r = KMeans.fitFrom(x, new float[] {-5f, 0.1f, 5f, 1f}, 50, false);
            assertThat(r.iterations()).isEqualTo(2);
            assertThat(r.centroids()).containsExactly(new float[] {-5f, 0f, 5f, 1f}, within(1e-5f));
        }
    }

    @Test
    void shouldMakeCentroidsNonNegativeInTorchpqCompatibilityMode() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(TWO_GROUPS, new Shape(7, 2));
            KMeans.Result r = KMeans.fit(x, 2, 5, new Random(1), true);
            for (float c : r.centroids()) {
                assertThat(c).isGreaterThanOrEqualTo(0f);
            }
            // the left group's centroid is the mean of |x|: (5, 0.0667)
            KMeans.Result plain = KMeans.fit(x, 2, 5, new Random(1), false);
            assertThat(r.labels()).isNotNull();
            assertThat(plain.centroids()).isNotEqualTo(r.centroids());
        }
    }

    @Test
    void shouldAssignEachPointToItsNearestCentroid() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 0, 10, 10, 9, 9, 1, 0}, new Shape(4, 2));
            int[] labels = KMeans.assign(x, new float[] {10, 10, 0, 0}, 2, 2);
            assertThat(labels).containsExactly(1, 0, 0, 1);
        }
    }

    @Test
    void shouldRefuseMoreClustersThanPoints() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 0, 1, 1}, new Shape(2, 2));
            assertThatThrownBy(() -> KMeans.fit(x, 3, 5, new Random(0), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("k = 3");
        }
    }
}
