package dev.missrec.model.missrec;

import ai.djl.engine.Engine;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.LengthBucketBatcher;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.ColdStartSplit;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.SequenceScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Diagnosis of MISSRec on cold targets (a command, not a test): trains on the cold-start view and
 * prints, after every epoch, warm validation NDCG@10, test_cold HIT/NDCG@10, the cold target's
 * HIT@10 among held-out items only, and how many held-out items reach the top 10 of cold cases.
 * Test metrics are printed for diagnosis only; nothing is selected on them.
 *
 * <p>Usage: {@code ColdStartDiagnosisRun DATASET_DIR FRACTION EPOCHS SEED [key=value ...]} with
 * keys as {@link MissRecQualityRun}: lr, dropout, ratio, batch.
 */
public final class ColdStartDiagnosisRun {
    private ColdStartDiagnosisRun() {}

    public static void main(String[] args) {
        SequenceDataset data =
                ColdStartSplit.apply(
                        RecBoleDatasetReader.read(Path.of(args[0])),
                        Double.parseDouble(args[1]),
                        Long.parseLong(args[3]));
        int epochs = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        UnaryOperator<MissRecConfig> adjust = c -> c;
        MissRecConfig.Builder b = MissRecConfig.paper().toBuilder();
        float logitAdjustment = 0f;
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "lr" -> b.optLearningRate(Float.parseFloat(kv[1]));
                case "dropout" -> b.optDropout(Float.parseFloat(kv[1]));
                case "ratio" -> b.optInterestRatio(Double.parseDouble(kv[1]));
                case "batch" -> b.optBatchSize(Integer.parseInt(kv[1]));
                case "la" -> logitAdjustment = Float.parseFloat(kv[1]);
                default -> throw new IllegalArgumentException("unknown key " + kv[0]);
            }
        }
        MissRecConfig config = adjust.apply(b.build());
        boolean[] known = data.knownItems();
        List<SequenceExample> cold = data.coldTest();
        try (var content =
                new dev.missrec.model.baseline.ContentSimilarity()
                        .fit(
                                data,
                                new dev.missrec.model.eval.TrainSettings(
                                        "paper", seed, 1, 1, false))) {
            SequenceScorer among = masked(content, known);
            System.out.printf(
                    Locale.ROOT,
                    "content: test_cold HIT@10 %.4f | among held-out HIT@10 %.4f | held-out in"
                            + " top10 %.2f%n",
                    RankingEvaluator.evaluate(content, cold, 256).hit10(),
                    RankingEvaluator.evaluate(among, cold, 256).hit10(),
                    coldInTop10(content, cold, known));
        }
        ItemFeatureTable[] f = MissRecTrainer.featureTables(data);
        Engine.getInstance().setRandomSeed((int) seed);
        try (MissRecModel model = MissRecModel.create(config, f[0], f[1])) {
            model.setKnownItems(known);
            if (logitAdjustment > 0) {
                model.setLogitAdjustment(MissRecTrainer.trainingLogPrior(data, logitAdjustment));
            }
            Random kmeans = new Random(seed * 31 + 7);
            LengthBucketBatcher batcher =
                    new LengthBucketBatcher(data.train(), config.batchSize(), seed);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                model.discoverInterests(kmeans);
                double loss = 0;
                List<List<SequenceExample>> batches = batcher.epoch(epoch - 1);
                for (List<SequenceExample> batch : batches) {
                    loss += model.trainStep(batch);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                try (MissRecModel.Scoring scoring = model.scoring()) {
                    SequenceScorer all = scorer(scoring, null);
                    SequenceScorer coldOnly = scorer(scoring, known);
                    RankingMetrics valid = RankingEvaluator.evaluate(all, data.valid(), 256);
                    RankingMetrics testCold = RankingEvaluator.evaluate(all, cold, 256);
                    RankingMetrics amongCold = RankingEvaluator.evaluate(coldOnly, cold, 256);
                    double coldInTop10 = coldInTop10(all, cold, known);
                    System.out.printf(
                            Locale.ROOT,
                            "epoch %2d loss %.4f %.0fs | valid NDCG@10 %.4f | test_cold HIT@10 %.4f"
                                    + " NDCG@10 %.4f | among held-out HIT@10 %.4f | held-out in"
                                    + " top10 %.2f%n",
                            epoch,
                            loss / batches.size(),
                            secs,
                            valid.ndcg10(),
                            testCold.hit10(),
                            testCold.ndcg10(),
                            amongCold.hit10(),
                            coldInTop10);
                }
            }
        }
    }

    /** Scores; with {@code known}, every known item is pushed below all held-out ones. */
    private static SequenceScorer scorer(MissRecModel.Scoring scoring, boolean[] known) {
        return new SequenceScorer() {
            @Override
            public String name() {
                return "diag";
            }

            @Override
            public float[][] score(List<int[]> histories) {
                float[][] s = scoring.score(histories);
                if (known != null) {
                    for (float[] row : s) {
                        for (int i = 1; i < row.length; i++) {
                            if (known[i]) {
                                row[i] = -1e9f;
                            }
                        }
                    }
                }
                return s;
            }
        };
    }

    private static SequenceScorer masked(SequenceScorer inner, boolean[] known) {
        return new SequenceScorer() {
            @Override
            public String name() {
                return "masked";
            }

            @Override
            public float[][] score(List<int[]> histories) {
                float[][] s = inner.score(histories);
                for (float[] row : s) {
                    for (int i = 1; i < row.length; i++) {
                        if (known[i]) {
                            row[i] = -1e9f;
                        }
                    }
                }
                return s;
            }
        };
    }

    private static double coldInTop10(
            SequenceScorer scoring, List<SequenceExample> cases, boolean[] known) {
        List<int[]> histories = new ArrayList<>();
        for (SequenceExample e : cases) {
            histories.add(e.history());
        }
        float[][] s = scoring.score(histories);
        double total = 0;
        for (float[] row : s) {
            Integer[] idx = new Integer[row.length - 1];
            for (int i = 1; i < row.length; i++) {
                idx[i - 1] = i;
            }
            java.util.Arrays.sort(idx, (a, c) -> Float.compare(row[c], row[a]));
            for (int k = 0; k < 10; k++) {
                total += known[idx[k]] ? 0 : 1;
            }
        }
        return total / Math.max(1, s.length);
    }
}
