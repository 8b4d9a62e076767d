package dev.missrec.model.eval;

import dev.missrec.model.data.DatasetStats;
import dev.missrec.model.data.SequenceDataset;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains every requested model on the same dataset and splits, evaluates each on valid and test
 * with the same full-ranking {@link RankingEvaluator}, and collects a {@link ComparisonReport}.
 */
public final class ModelComparison {
    /** Histories scored per call during evaluation: bounds the (B, N) score matrix. */
    public static final int EVAL_BATCH = 256;

    private final ModelCatalog catalog;
    private final PrintStream log;

    /**
     * @param catalog where model names are looked up
     * @param log where progress lines go (e.g. {@code System.err}); null for silence
     */
    public ModelComparison(ModelCatalog catalog, PrintStream log) {
        this.catalog = catalog;
        this.log = log;
    }

    /**
     * Trains and evaluates {@code models} in order. Every name is checked before anything trains;
     * each scorer is closed right after its evaluation.
     *
     * @throws ModelCatalog.UnknownModelException for a name the catalog does not know
     */
    public ComparisonReport run(SequenceDataset data, List<String> models, TrainSettings settings) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models to compare");
        }
        catalog.requireAll(models);
        DatasetStats stats = DatasetStats.of(data);
        List<ComparisonReport.ModelResult> results = new ArrayList<>();
        for (String model : models) {
            say("[%s] training on %d cases", model, data.train().size());
            ScorerTrainer trainer = catalog.trainer(model);
            long t0 = System.nanoTime();
            try (TrainedScorer scorer = trainer.fit(data, settings)) {
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                RankingMetrics valid = RankingEvaluator.evaluate(scorer, data.valid(), EVAL_BATCH);
                RankingMetrics test = RankingEvaluator.evaluate(scorer, data.test(), EVAL_BATCH);
                RankingMetrics testCold =
                        data.heldOutItems().length == 0
                                ? null
                                : RankingEvaluator.evaluate(scorer, data.coldTest(), EVAL_BATCH);
                double evalSeconds = (System.nanoTime() - t1) / 1e9;
                say(
                        "[%s] trained in %.2f s, evaluated in %.2f s; valid %s; test %s%s",
                        model,
                        trainSeconds,
                        evalSeconds,
                        valid,
                        test,
                        testCold == null ? "" : "; test_cold " + testCold);
                results.add(
                        new ComparisonReport.ModelResult(
                                model,
                                scorer.trainableParameters(),
                                scorer.totalParameters(),
                                scorer.bestEpoch(),
                                trainSeconds,
                                evalSeconds,
                                valid,
                                test,
                                scorer.chosenSettings(),
                                testCold));
            }
        }
        return new ComparisonReport(data.name(), stats, results);
    }

    private void say(String format, Object... args) {
        if (log != null) {
            log.println(String.format(Locale.ROOT, format, args));
        }
    }
}
