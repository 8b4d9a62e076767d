package dev.missrec.model.sasrec;

import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Quality experiment on a real dataset (a command, not a test): trains SASRec with early stopping
 * on valid NDCG@10 and prints per-epoch lines, then valid and test metrics and timings.
 *
 * <p>Usage: {@code SasRecQualityRun DATASET_DIR|chains PRESET MAX_EPOCHS SEED [key=value ...]} with
 * keys hidden, blocks, heads, inner, dropout, attn, maxlen, norm (pre|post), act (gelu|relu), lr,
 * batch, patience, out (artifact directory to write).
 */
public final class SasRecQualityRun {
    private SasRecQualityRun() {}

    public static void main(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            o.put(kv[0], kv[1]);
        }
        SequenceDataset data =
                args[0].equals("chains")
                        ? ChainDataset.standard(1)
                        : RecBoleDatasetReader.read(Path.of(args[0]));
        SasRecConfig.Builder b = SasRecConfig.of(SasRecConfig.parsePreset(args[1])).toBuilder();
        if (o.containsKey("hidden")) b.optHiddenSize(Integer.parseInt(o.get("hidden")));
        if (o.containsKey("blocks")) b.optNumBlocks(Integer.parseInt(o.get("blocks")));
        if (o.containsKey("heads")) b.optNumHeads(Integer.parseInt(o.get("heads")));
        if (o.containsKey("inner")) b.optInnerSize(Integer.parseInt(o.get("inner")));
        if (o.containsKey("dropout")) b.optDropout(Float.parseFloat(o.get("dropout")));
        if (o.containsKey("attn")) b.optAttentionDropout(Float.parseFloat(o.get("attn")));
        if (o.containsKey("maxlen")) b.optMaxLength(Integer.parseInt(o.get("maxlen")));
        if (o.containsKey("norm")) {
            b.optNorm(SasRecConfig.NormPlacement.valueOf(o.get("norm").toUpperCase(Locale.ROOT)));
        }
        if (o.containsKey("act")) {
            b.optActivation(
                    SasRecConfig.FfnActivation.valueOf(o.get("act").toUpperCase(Locale.ROOT)));
        }
        if (o.containsKey("lr")) b.optLearningRate(Float.parseFloat(o.get("lr")));
        if (o.containsKey("batch")) b.optBatchSize(Integer.parseInt(o.get("batch")));
        SasRecConfig cfg = b.build();
        TrainSettings settings =
                new TrainSettings(
                        args[1],
                        Long.parseLong(args[3]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(o.getOrDefault("patience", "10")),
                        true);
        System.out.printf(
                "dataset %s: N=%d train %d valid %d test %d%nconfig %s%n",
                data.name(),
                data.numItems(),
                data.train().size(),
                data.valid().size(),
                data.test().size(),
                cfg);
        long t0 = System.nanoTime();
        try (SasRecModel model = new SasRecTrainer(cfg).train(data, settings)) {
            double trainSec = (System.nanoTime() - t0) / 1e9;
            long e0 = System.nanoTime();
            RankingMetrics valid = RankingEvaluator.evaluate(model, data.valid(), 256);
            double evalSec = (System.nanoTime() - e0) / 1e9;
            RankingMetrics test = RankingEvaluator.evaluate(model, data.test(), 256);
            double epochSec =
                    model.trainingLog().stream()
                            .mapToDouble(SasRecModel.EpochLog::trainSeconds)
                            .average()
                            .orElse(0);
            System.out.printf(
                    "RESULT best_epoch=%d epochs=%d params=%d mean_epoch_train_s=%.2f valid_eval_s=%.2f total_s=%.1f%n"
                            + "RESULT valid %s%nRESULT test  %s%n",
                    model.bestEpoch(),
                    model.trainingLog().size(),
                    model.totalParameters(),
                    epochSec,
                    evalSec,
                    trainSec,
                    valid,
                    test);
            if (o.containsKey("out")) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                valid.asMap().forEach((k, v) -> metrics.put("valid." + k, v));
                test.asMap().forEach((k, v) -> metrics.put("test." + k, v));
                long inter =
                        data.train().size()
                                + 3L * data.numUsers(); // Σ n_u = Σ (n_u - 3) + 3 per user
                model.save(
                        Path.of(o.get("out")),
                        DataDescription.of(
                                data.name(), data.numUsers(), data.numItems() - 1, inter),
                        metrics,
                        null);
                System.out.println("saved " + o.get("out"));
            }
        }
    }
}
