package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.model.baseline.MostPopular;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import dev.missrec.model.train.EpochLog;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short training runs of the tiny preset on generated data. */
class MissRecTrainerTest {
    private static SequenceDataset data;

    @BeforeAll
    static void generate() {
        data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(300)
                                        .optItems(150)
                                        .optTopics(8)
                                        .optFeatureDim(24)
                                        .optMaxHistory(20)
                                        .optSeed(7)
                                        .build())
                        .generate();
    }

    @Test
    void shouldLowerTheTrainingLossOverAFewEpochs() {
        TrainSettings settings = new TrainSettings("tiny", 1, 4, 10, false);
        try (MissRecScorer scorer = new MissRecTrainer(TrainStage.INDUCTIVE).fit(data, settings)) {
            List<EpochLog> epochs = scorer.training().epochs();
            assertThat(epochs).hasSize(4);
            assertThat(epochs.get(3).meanLoss()).isLessThan(epochs.get(0).meanLoss() - 0.1);
            assertThat(scorer.bestEpoch()).isBetween(1, 4);
        }
    }

    @Test
    void shouldBeatMostPopularAfterATinyTransductiveTraining() {
        TrainSettings settings = new TrainSettings("tiny", 3, 12, 3, false);
        RankingMetrics missrec;
        try (MissRecScorer scorer =
                new MissRecTrainer(TrainStage.TRANSDUCTIVE).fit(data, settings)) {
            assertThat(scorer.name()).isEqualTo("missrec-transductive");
            missrec = RankingEvaluator.evaluate(scorer, data.test(), 256);
        }
        RankingMetrics pop;
        try (TrainedScorer popular = new MostPopular().fit(data, settings)) {
            pop = RankingEvaluator.evaluate(popular, data.test(), 256);
        }
        assertThat(missrec.ndcg10()).isGreaterThan(pop.ndcg10() * 1.2);
        assertThat(missrec.hit10()).isGreaterThan(pop.hit10());
    }

    @Test
    void shouldReproduceTheSameScoresWithTheSameSeed() {
        TrainSettings settings = new TrainSettings("tiny", 11, 1, 10, false);
        List<int[]> histories =
                List.of(data.valid().get(0).history(), data.valid().get(1).history());
        float[][] first;
        float[][] second;
        try (MissRecScorer a = new MissRecTrainer(TrainStage.INDUCTIVE).fit(data, settings)) {
            first = a.score(histories);
        }
        try (MissRecScorer b = new MissRecTrainer(TrainStage.INDUCTIVE).fit(data, settings)) {
            second = b.score(histories);
        }
        assertThat(second[0]).containsExactly(first[0]);
        assertThat(second[1]).containsExactly(first[1]);
    }

    @Test
    void shouldRefuseAnUnknownPreset() {
        TrainSettings settings = new TrainSettings("enormous", 1, 1, 1, false);
        assertThatThrownBy(() -> new MissRecTrainer(TrainStage.INDUCTIVE).fit(data, settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enormous");
    }
}
