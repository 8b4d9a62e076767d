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

    @Test
    void logitAdjustmentShouldShiftTrainingLogitsOnly() {
        List<SequenceExample> batch = DATA.train().subList(0, 16);
        float plain;
        float constant;
        float skewed;
        float[][] scoresPlain;
        float[][] scoresAdjusted;
        List<int[]> histories = List.of(DATA.valid().get(0).history());
        try (MissRecModel model = model()) {
            model.discoverInterests(new Random(1));
            try (MissRecModel.Snapshot start = model.snapshot()) {
                try (MissRecModel.Scoring s = model.scoring()) {
                    scoresPlain = s.score(histories);
                }
                Engine.getInstance().setRandomSeed(7); // the same dropout masks in each step
                plain = model.trainStep(batch);
                model.restore(start);
                // a zero prior is no adjustment
                model.setLogitAdjustment(new float[DATA.numItems()]);
                Engine.getInstance().setRandomSeed(7);
                constant = model.trainStep(batch);
                model.restore(start);
                model.setLogitAdjustment(MissRecTrainer.trainingLogPrior(DATA, 1f));
                try (MissRecModel.Scoring s = model.scoring()) {
                    scoresAdjusted = s.score(histories);
                }
                Engine.getInstance().setRandomSeed(7);
                skewed = model.trainStep(batch);
            }
        }
        assertThat(constant).isCloseTo(plain, org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(skewed).isNotCloseTo(plain, org.assertj.core.api.Assertions.within(1e-3f));
        assertThat(scoresAdjusted[0]).containsExactly(scoresPlain[0]); // scoring is unchanged
    }

    @Test
    void trainingLogPriorShouldBeTheSmoothedTargetFrequencyOfKnownItems() {
        float[] prior = MissRecTrainer.trainingLogPrior(DATA, 1f);
        boolean[] known = DATA.knownItems();
        double total = DATA.train().size();
        for (int i = 1; i < known.length; i++) {
            total += known[i] ? 1 : 0;
        }
        int item = DATA.train().get(0).target();
        long count = DATA.train().stream().filter(e -> e.target() == item).count();
        assertThat(prior[item])
                .isCloseTo(
                        (float) Math.log((count + 1) / total),
                        org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(prior[DATA.heldOutItems()[0]]).isZero();
        assertThat(prior[0]).isZero();
    }
}
