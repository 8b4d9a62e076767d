package dev.missrec.model.eval;

import dev.missrec.model.data.SequenceDataset;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses among candidate trainers (typically one model with one setting varied) by NDCG@10 on the
 * cold validation cases ({@link SequenceDataset#coldValid()}): validation events whose target was
 * held out of training. Settings that trade known items against new ones are chosen this way,
 * without looking at test. Every candidate is trained in full; the losers are closed at once.
 */
public final class ColdValidatedTrainer implements ScorerTrainer {
    private final Map<String, ScorerTrainer> candidates;
    private final PrintStream log;

    /**
     * @param candidates setting description (e.g. "logit adjustment 0.5") to its trainer, in the
     *     order to try; ties go to the earlier one
     * @param log where one line per candidate goes; null for silence
     */
    public ColdValidatedTrainer(Map<String, ScorerTrainer> candidates, PrintStream log) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates");
        }
        this.candidates = candidates;
        this.log = log;
    }

    @Override
    public TrainedScorer fit(SequenceDataset data, TrainSettings settings) {
        if (data.coldValid().isEmpty()) {
            throw new IllegalArgumentException(
                    "choosing on cold validation cases needs held-out items with validation"
                            + " events (compare --cold-start-fraction)");
        }
        TrainedScorer best = null;
        String bestName = null;
        double bestNdcg = Double.NEGATIVE_INFINITY;
        List<String> tried = new ArrayList<>();
        for (Map.Entry<String, ScorerTrainer> c : candidates.entrySet()) {
            TrainedScorer scorer = c.getValue().fit(data, settings);
            double ndcg;
            try {
                ndcg =
                        RankingEvaluator.evaluate(
                                        scorer, data.coldValid(), ModelComparison.EVAL_BATCH)
                                .ndcg10();
            } catch (RuntimeException e) {
                scorer.close();
                throw e;
            }
            tried.add(String.format(Locale.ROOT, "%s: %.4f", c.getKey(), ndcg));
            if (log != null) {
                log.printf(
                        Locale.ROOT,
                        "  %s: valid_cold NDCG@10 %.4f (%d cases)%n",
                        c.getKey(),
                        ndcg,
                        data.coldValid().size());
            }
            if (ndcg > bestNdcg) {
                if (best != null) {
                    best.close();
                }
                best = scorer;
                bestName = c.getKey();
                bestNdcg = ndcg;
            } else {
                scorer.close();
            }
        }
        String choice =
                bestName + " (by valid_cold NDCG@10; tried " + String.join(", ", tried) + ")";
        return new Chosen(best, choice);
    }

    /** The chosen scorer, naming what was chosen and why. */
    private record Chosen(TrainedScorer scorer, String choice) implements TrainedScorer {
        @Override
        public float[][] score(List<int[]> histories) {
            return scorer.score(histories);
        }

        @Override
        public String name() {
            return scorer.name();
        }

        @Override
        public long trainableParameters() {
            return scorer.trainableParameters();
        }

        @Override
        public long totalParameters() {
            return scorer.totalParameters();
        }

        @Override
        public int bestEpoch() {
            return scorer.bestEpoch();
        }

        @Override
        public String chosenSettings() {
            String inner = scorer.chosenSettings();
            return inner.isEmpty() ? choice : inner + "; " + choice;
        }

        @Override
        public void close() {
            scorer.close();
        }
    }
}
