package dev.missrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartComparisonTest {

    @Test
    void shouldScoreColdTargetsSeparatelyAndGiveCountingModelsNothingForThem() {
        SequenceDataset data =
                ColdStartSplit.apply(
                        new SyntheticDatasetGenerator(
                                        SyntheticDatasetGenerator.Options.builder()
                                                .optUsers(150)
                                                .optItems(60)
                                                .optTopics(4)
                                                .optFeatureDim(8)
                                                .optSeed(21)
                                                .build())
                                .generate(),
                        0.2,
                        3);
        ComparisonReport report =
                new ModelComparison(ModelCatalog.standard(), null)
                        .run(
                                data,
                                List.of("pop", "content"),
                                new TrainSettings("tiny", 1, 1, 1, false));

        ComparisonReport.ModelResult pop = report.results().get(0);
        ComparisonReport.ModelResult content = report.results().get(1);
        assertThat(pop.testCold().cases()).isEqualTo(data.coldTest().size()).isPositive();
        // a held-out item has no count: with pessimistic ties it ranks below every seen item
        assertThat(pop.testCold().hit50()).isZero();
        // features reach unseen items: the synthetic topics make them findable
        assertThat(content.testCold().hit10()).isGreaterThan(0.0);
        JsonObject row = report.toJson().getAsJsonArray("results").get(1).getAsJsonObject();
        assertThat(row.getAsJsonObject("test_cold").get("hit@10").getAsDouble())
                .isEqualTo(content.testCold().hit10());
        assertThat(report.toTable()).contains("cold targets").contains("test_cold HIT@10");
    }
}
