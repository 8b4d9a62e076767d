package dev.missrec.model.serve;

import ai.djl.engine.Engine;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.missrec.MissRecConfig;
import dev.missrec.model.missrec.MissRecModel;
import dev.missrec.model.missrec.MissRecScorer;
import dev.missrec.model.missrec.MissRecTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A measurement, not a test: the inference engine against the evaluation scoring path
 * (ScorerRecommender over MissRecModel.Scoring: dynamic padding, top-K in Java) on the same model
 * and the same batches of a dataset's test histories, interleaved in one JVM so that machine load
 * hits both alike. Prints the median milliseconds per batch of each.
 *
 * <p>Run: {@code java -cp <model-core test+main classpath>
 * dev.missrec.model.serve.EngineVersusScoringRun DATASET_DIR [batch] [rounds]}
 */
public final class EngineVersusScoringRun {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        SequenceDataset data = RecBoleDatasetReader.read(dir);
        MissRecConfig config = MissRecConfig.paper();
        Engine.getInstance().setRandomSeed(1);
        MissRecModel forScorer =
                MissRecModel.create(config, data.textFeatures(), data.imageFeatures());
        var interests = forScorer.discoverInterests(new Random(1));
        Engine.getInstance().setRandomSeed(1);
        MissRecModel forEngine =
                MissRecModel.create(config, data.textFeatures(), data.imageFeatures());
        forEngine.setInterests(interests);
        String[] tokens = data.itemTokens();
        List<String[]> all = new ArrayList<>();
        for (SequenceExample e : data.test()) {
            all.add(Arrays.stream(e.history()).mapToObj(i -> tokens[i]).toArray(String[]::new));
        }
        try (ScorerRecommender generic =
                        new ScorerRecommender(
                                new MissRecScorer(
                                        MissRecTrainer.modelName(config.trainStage()),
                                        forScorer,
                                        null,
                                        tokens),
                                tokens,
                                "v",
                                true);
                InferenceEngine engine =
                        InferenceEngine.start(
                                forEngine,
                                tokens,
                                "v",
                                InferenceEngine.Options.defaults(),
                                new LiveItemCatalog())) {
            long[] g = new long[rounds];
            long[] f = new long[rounds];
            for (int r = -3; r < rounds; r++) {
                List<String[]> request = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    request.add(all.get(Math.floorMod(r * batch + i, all.size())));
                }
                long t0 = System.nanoTime();
                generic.recommend(request, 10);
                long t1 = System.nanoTime();
                engine.recommend(request, 10);
                long t2 = System.nanoTime();
                if (r >= 0) {
                    g[r] = t1 - t0;
                    f[r] = t2 - t1;
                }
            }
            Arrays.sort(g);
            Arrays.sort(f);
            System.out.printf(
                    "batch %d, %d rounds: scoring path median %.2f ms, engine median %.2f ms,"
                            + " engine/scoring %.2f%n",
                    batch,
                    rounds,
                    g[rounds / 2] / 1e6,
                    f[rounds / 2] / 1e6,
                    (double) f[rounds / 2] / g[rounds / 2]);
        }
    }
}
