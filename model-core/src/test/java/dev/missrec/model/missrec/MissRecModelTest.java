package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MissRecModelTest {
    private static SequenceDataset data;

    @BeforeAll
    static void generate() {
        data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(40)
                                        .optItems(30)
                                        .optTopics(3)
                                        .optFeatureDim(8)
                                        .optSeed(5)
                                        .build())
                        .generate();
    }

    private static MissRecModel model() {
        Engine.getInstance().setRandomSeed(3);
        return MissRecModel.create(
                MissRecConfig.tiny().withTrainStage(TrainStage.TRANSDUCTIVE),
                data.textFeatures(),
                data.imageFeatures());
    }

    @Test
    void shouldNotAccumulateNativeArraysAcrossStepsScoringAndDiscovery() {
        try (MissRecModel model = model()) {
            List<SequenceExample> batch = data.train().subList(0, 32);
            List<int[]> histories = List.of(data.valid().get(0).history());
            model.discoverInterests(new Random(1));
            // the first step creates Adam's moment arrays; afterwards the count must stay flat
            model.trainStep(batch);
            try (MissRecModel.Scoring s = model.scoring()) {
                s.score(histories);
            }
            int settled = model.manager().getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                model.discoverInterests(new Random(i));
                model.trainStep(batch);
                try (MissRecModel.Scoring s = model.scoring()) {
                    s.score(histories);
                }
                try (MissRecModel.Snapshot snap = model.snapshot()) {
                    model.restore(snap);
                }
            }
            assertThat(model.manager().getManagedArrays()).hasSize(settled);
        }
    }

    @Test
    void shouldRestoreTheSnapshotWeightsAndInterests() {
        try (MissRecModel model = model()) {
            model.discoverInterests(new Random(1));
            List<int[]> histories =
                    List.of(data.valid().get(0).history(), data.valid().get(2).history());
            float[][] before;
            try (MissRecModel.Scoring s = model.scoring()) {
                before = s.score(histories);
            }
            try (MissRecModel.Snapshot snap = model.snapshot()) {
                model.trainStep(data.train().subList(0, 32));
                model.discoverInterests(new Random(2));
                try (MissRecModel.Scoring s = model.scoring()) {
                    assertThat(s.score(histories)[0]).isNotEqualTo(before[0]);
                }
                model.restore(snap);
            }
            try (MissRecModel.Scoring s = model.scoring()) {
                float[][] after = s.score(histories);
                assertThat(after[0]).containsExactly(before[0]);
                assertThat(after[1]).containsExactly(before[1]);
            }
        }
    }

    @Test
    void shouldRefuseToTrainBeforeInterestDiscoveryAndOnUnknownTargets() {
        try (MissRecModel model = model()) {
            assertThatThrownBy(() -> model.trainStep(data.train().subList(0, 2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("interest");
            model.discoverInterests(new Random(1));
            SequenceExample bad = new SequenceExample(1, new int[] {1, 2}, 999);
            assertThatThrownBy(() -> model.trainStep(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("target item 999");
        }
    }
}
