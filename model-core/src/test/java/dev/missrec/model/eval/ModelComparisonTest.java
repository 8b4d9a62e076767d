package dev.missrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.missrec.model.baseline.MarkovChain;
import dev.missrec.model.baseline.MostPopular;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelComparisonTest {
    private static final TrainSettings SETTINGS = new TrainSettings("tiny", 3, 2, 1, false);
    private static final SequenceDataset DATA = SyntheticDatasetGenerator.generate(11);

    @TempDir Path dir;

    @Test
    void shouldLetAFirstOrderChainBeatPopularityOnSyntheticData() {
        ComparisonReport report =
                new ModelComparison(ModelCatalog.standard(), null)
                        .run(DATA, List.of("pop", "markov"), SETTINGS);
        ComparisonReport.ModelResult pop = report.results().get(0);
        ComparisonReport.ModelResult markov = report.results().get(1);
        assertThat(pop.model()).isEqualTo("pop");
        assertThat(markov.test().ndcg10()).isGreaterThan(2 * pop.test().ndcg10());
        assertThat(markov.valid().ndcg10()).isGreaterThan(2 * pop.valid().ndcg10());
        assertThat(pop.test().cases()).isEqualTo(DATA.test().size());
    }

    @Test
    void shouldWriteTheJsonWithExactlyTheAgreedKeys() throws IOException {
        ComparisonReport report =
                new ModelComparison(ModelCatalog.standard(), null)
                        .run(DATA, List.of("pop", "markov"), SETTINGS);
        Path file = dir.resolve("sub/out.json");
        report.writeJson(file);
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();

        assertThat(root.keySet()).containsExactly("dataset", "results");
        JsonObject dataset = root.getAsJsonObject("dataset");
        assertThat(dataset.keySet()).containsExactly("name", "users", "items", "interactions");
        assertThat(dataset.get("name").getAsString()).isEqualTo("synthetic");
        assertThat(dataset.get("users").getAsInt()).isEqualTo(300);
        assertThat(dataset.get("items").getAsInt()).isEqualTo(200);
        assertThat(root.getAsJsonArray("results")).hasSize(2);
        JsonObject markov = root.getAsJsonArray("results").get(1).getAsJsonObject();
        assertThat(markov.keySet())
                .containsExactly(
                        "model", "parameters", "best_epoch", "train_seconds", "valid", "test");
        assertThat(markov.get("model").getAsString()).isEqualTo("markov");
        assertThat(markov.getAsJsonObject("parameters").keySet())
                .containsExactly("trainable", "total");
        assertThat(markov.getAsJsonObject("test").keySet())
                .containsExactly("hit@10", "ndcg@10", "hit@50", "ndcg@50", "mrr");
        assertThat(markov.getAsJsonObject("test").get("ndcg@10").getAsDouble())
                .isEqualTo(report.results().get(1).test().ndcg10());
        assertThat(report.toTable()).contains("markov").contains("pop");
    }

    @Test
    void shouldCloseEveryScorerAfterEvaluatingIt() {
        AtomicBoolean closed = new AtomicBoolean();
        ModelCatalog catalog =
                new ModelCatalog()
                        .register(
                                "watched",
                                () ->
                                        (data, settings) -> {
                                            TrainedScorer inner =
                                                    new MostPopular().fit(data, settings);
                                            return new ClosingProbe(inner, closed);
                                        });
        new ModelComparison(catalog, null).run(DATA, List.of("watched"), SETTINGS);
        assertThat(closed).isTrue();
    }

    @Test
    void shouldRejectAnUnknownModelBeforeTrainingAnything() {
        AtomicBoolean trained = new AtomicBoolean();
        ModelCatalog catalog =
                new ModelCatalog()
                        .register(
                                "slow",
                                () ->
                                        (data, settings) -> {
                                            trained.set(true);
                                            return new MarkovChain().fit(data, settings);
                                        });
        assertThatThrownBy(
                        () ->
                                new ModelComparison(catalog, null)
                                        .run(DATA, List.of("slow", "nope"), SETTINGS))
                .isInstanceOf(ModelCatalog.UnknownModelException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("known models: slow");
        assertThat(trained).isFalse();
    }

    private record ClosingProbe(TrainedScorer inner, AtomicBoolean closed)
            implements TrainedScorer {
        @Override
        public String name() {
            return "watched";
        }

        @Override
        public float[][] score(List<int[]> histories) {
            if (closed.get()) {
                throw new IllegalStateException("scored after close");
            }
            return inner.score(histories);
        }

        @Override
        public long trainableParameters() {
            return 7;
        }

        @Override
        public long totalParameters() {
            return 9;
        }

        @Override
        public int bestEpoch() {
            return 1;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }
}
