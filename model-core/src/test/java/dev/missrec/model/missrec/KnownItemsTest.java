package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.eval.ColdStartSplit;
import dev.missrec.model.interest.InterestTables;
import dev.missrec.model.interest.KMeans;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training with items held out (the cold-start protocol): they exist only as candidates. */
class KnownItemsTest {
    private static final SequenceDataset DATA =
            ColdStartSplit.apply(
                    new SyntheticDatasetGenerator(
                                    SyntheticDatasetGenerator.Options.builder()
                                            .optUsers(40)
                                            .optItems(30)
                                            .optTopics(3)
                                            .optFeatureDim(8)
                                            .optSeed(5)
                                            .build())
                            .generate(),
                    0.2,
                    4);

    private static MissRecModel model() {
        Engine.getInstance().setRandomSeed(3);
        MissRecModel model =
                MissRecModel.create(
                        MissRecConfig.tiny(), DATA.textFeatures(), DATA.imageFeatures());
        model.setKnownItems(DATA.knownItems());
        return model;
    }

    @Test
    void shouldClusterKnownItemsOnlyAndGiveHeldOutOnesTheNearestCentroid() {
        try (MissRecModel model = model()) {
            InterestTables tables = model.discoverInterests(new Random(1));
            int known = DATA.numItems() - 1 - DATA.heldOutItems().length;
            assertThat(tables.k()).isEqualTo((int) Math.ceil(2 * known * 0.5));
            float[] centroids =
                    java.util.Arrays.copyOfRange(
                            tables.embeddings(), tables.dim(), tables.embeddings().length);
            try (NDManager m = NDManager.newBaseManager()) {
                NDList adapted = model.adaptedItems(m);
                for (int item : DATA.heldOutItems()) {
                    NDArray row = adapted.get(0).get(item + ":" + (item + 1));
                    int nearest = KMeans.assign(row, centroids, tables.k(), tables.dim())[0];
                    assertThat(tables.textLookup()[item]).isEqualTo(nearest + 1);
                }
            }
        }
    }

    @Test
    void shouldRefuseAHeldOutTargetInTraining() {
        try (MissRecModel model = model()) {
            model.discoverInterests(new Random(1));
            int cold = DATA.heldOutItems()[0];
            SequenceExample bad =
                    new SequenceExample(1, new int[] {DATA.train().get(0).target()}, cold);
            assertThatThrownBy(() -> model.trainStep(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a known item");
            assertThat(model.trainStep(DATA.train().subList(0, 16))).isFinite();
        }
    }
}
