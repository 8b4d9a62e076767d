package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MissRecServingPlanTest {

    private static final int[] BATCHES = MissRecServing.BATCH_BUCKETS;
    private static final int[] WIDTHS = {8, 16, 32, 50};

    /** cost = overhead per call + perRow * padded batch * width. */
    private static double[][] costs(double overhead, double perRow) {
        double[][] c = new double[BATCHES.length][WIDTHS.length];
        for (int b = 0; b < BATCHES.length; b++) {
            for (int w = 0; w < WIDTHS.length; w++) {
                c[b][w] = overhead + perRow * BATCHES[b] * WIDTHS[w];
            }
        }
        return c;
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = 100 + i;
        }
        return o;
    }

    @Test
    void shouldEncodeEverythingInOneCallWhenTheCallOverheadDominates() {
        // 6 short histories and 2 of full width
        int[] widths = {0, 0, 0, 0, 0, 0, 3, 3};
        List<int[]> chunks = MissRecServing.chunk(identity(8), widths, costs(1_000, 1));
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0)).containsExactly(identity(8));
    }

    @Test
    void shouldSeparateLongHistoriesWhenPaddingCostsMoreThanACall() {
        // 30 short histories and 2 of full width: padding the 30 to width 50 costs 30 * 42 more
        int[] widths = new int[32];
        widths[30] = 3;
        widths[31] = 3;
        List<int[]> chunks = MissRecServing.chunk(identity(32), widths, costs(10, 1));
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0)).hasSize(30).startsWith(100);
        assertThat(chunks.get(1)).containsExactly(130, 131);
    }

    @Test
    void shouldAvoidPaddingToTheNextBatchBucketWhenSplittingIsCheaper() {
        // 9 histories of one width: 8 + 1 (two calls, no padding) beats 16 padded rows when the
        // call overhead is small, and loses to it when the overhead is large
        int[] widths = new int[9];
        assertThat(MissRecServing.chunk(identity(9), widths, costs(1, 10)))
                .extracting(c -> c.length)
                .containsExactly(1, 8);
        assertThat(MissRecServing.chunk(identity(9), widths, costs(10_000, 10)))
                .extracting(c -> c.length)
                .containsExactly(9);
    }

    @Test
    void shouldCoverEveryHistoryOnceInOrder() {
        int[] widths = {0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3};
        for (double overhead : new double[] {0, 5, 50, 500, 5000}) {
            List<int[]> chunks = MissRecServing.chunk(identity(11), widths, costs(overhead, 1));
            int next = 100;
            for (int[] c : chunks) {
                assertThat(c).isNotEmpty();
                for (int id : c) {
                    assertThat(id).isEqualTo(next++);
                }
            }
            assertThat(next).isEqualTo(111);
        }
    }

    @Test
    void shouldTakeOverMeasuredCostsOnlyFromAModelOfTheSameShapes() {
        SequenceDataset data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(30)
                                        .optItems(40)
                                        .optFeatureDim(8)
                                        .build())
                        .generate();
        try (MissRecServing first = serving(data, MissRecConfig.tiny(), 1);
                MissRecServing retrained = serving(data, MissRecConfig.tiny(), 2);
                MissRecServing wider =
                        serving(
                                data,
                                MissRecConfig.tiny().toBuilder().optMaxSeqLength(30).build(),
                                3)) {
            double[][] estimate = retrained.encodeCost();
            retrained.adoptCosts(first); // not measured yet: nothing to take over
            assertThat(retrained.encodeCost()).isEqualTo(estimate);
            try (MissRecServing.Tables tables = first.modelTables(null)) {
                first.warmUp(tables);
            }
            retrained.adoptCosts(first);
            assertThat(retrained.encodeCost()).isEqualTo(first.encodeCost()).isNotEqualTo(estimate);
            double[][] own = wider.encodeCost();
            wider.adoptCosts(first); // other width buckets
            assertThat(wider.encodeCost()).isEqualTo(own);
        }
    }

    private static MissRecServing serving(SequenceDataset data, MissRecConfig config, int seed) {
        MissRecModel m = MissRecModel.create(config, data.textFeatures(), data.imageFeatures());
        m.discoverInterests(new Random(seed));
        return MissRecServing.of(m);
    }
}
