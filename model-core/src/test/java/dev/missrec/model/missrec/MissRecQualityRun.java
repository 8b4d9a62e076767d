package dev.missrec.model.missrec;

import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.train.EpochLog;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Quality experiment on a real dataset (a command, not a test): trains one MISSRec variant with
 * early stopping and prints valid and test metrics and timings.
 *
 * <p>Usage: {@code MissRecQualityRun DATASET_DIR inductive|transductive MAX_EPOCHS SEED [key=value
 * ...]} with keys dropout, lr, batch, ratio, tau, causal, gamma, patience, fusion.
 */
public final class MissRecQualityRun {
    private MissRecQualityRun() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        TrainStage stage = TrainStage.valueOf(args[1].toUpperCase(Locale.ROOT));
        int maxEpochs = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        java.util.Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            opts.put(kv[0], kv[1]);
        }
        SequenceDataset data = RecBoleDatasetReader.read(dir);
        System.out.printf(
                "dataset %s: items N=%d, train %d, valid %d, test %d%n",
                data.name(),
                data.numItems(),
                data.train().size(),
                data.valid().size(),
                data.test().size());
        int patience = Integer.parseInt(opts.getOrDefault("patience", "10"));
        MissRecTrainer trainer =
                new MissRecTrainer(
                        stage,
                        c -> {
                            MissRecConfig.Builder b = c.toBuilder();
                            if (opts.containsKey("dropout")) {
                                b.optDropout(Float.parseFloat(opts.get("dropout")));
                            }
                            if (opts.containsKey("lr")) {
                                b.optLearningRate(Float.parseFloat(opts.get("lr")));
                            }
                            if (opts.containsKey("batch")) {
                                b.optBatchSize(Integer.parseInt(opts.get("batch")));
                            }
                            if (opts.containsKey("ratio")) {
                                b.optInterestRatio(Double.parseDouble(opts.get("ratio")));
                            }
                            if (opts.containsKey("tau")) {
                                b.optTemperature(Float.parseFloat(opts.get("tau")));
                            }
                            if (opts.containsKey("causal")) {
                                b.optCausalDecoder(Boolean.parseBoolean(opts.get("causal")));
                            }
                            if (opts.containsKey("gamma")) {
                                b.optGamma(Float.parseFloat(opts.get("gamma")));
                            }
                            if (opts.containsKey("fusion")) {
                                b.optItemFusion(ItemFusion.valueOf(opts.get("fusion")));
                            }
                            return b.build();
                        });
        TrainSettings settings =
                new TrainSettings(
                        opts.getOrDefault("preset", "paper"), seed, maxEpochs, patience, true);
        System.out.println("config " + trainer.configFor(settings) + " " + opts);
        long t0 = System.nanoTime();
        try (MissRecScorer scorer = trainer.fit(data, settings)) {
            double trainSec = (System.nanoTime() - t0) / 1e9;
            for (EpochLog log : scorer.training().epochs()) {
                System.out.printf(
                        Locale.ROOT,
                        "epoch %3d loss %.4f train %.1fs valid ndcg@10 %.4f (%.1fs)%n",
                        log.epoch(),
                        log.meanLoss(),
                        log.trainSeconds(),
                        log.validNdcg10(),
                        log.validSeconds());
            }
            long e0 = System.nanoTime();
            RankingMetrics valid = RankingEvaluator.evaluate(scorer, data.valid(), 1024);
            double evalSec = (System.nanoTime() - e0) / 1e9;
            RankingMetrics test = RankingEvaluator.evaluate(scorer, data.test(), 1024);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT %s %s best_epoch=%d params=%d train=%.1fs eval(valid)=%.2fs%n"
                            + "  valid %s%n  test  %s%n",
                    scorer.name(),
                    opts,
                    scorer.bestEpoch(),
                    scorer.trainableParameters(),
                    trainSec,
                    evalSec,
                    valid,
                    test);
        }
    }
}
