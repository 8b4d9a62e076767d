package dev.missrec.model.serve;

import ai.djl.engine.Engine;
import dev.missrec.model.bench.InferenceBenchmark;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.interest.InterestTables;
import dev.missrec.model.missrec.MissRecConfig;
import dev.missrec.model.missrec.MissRecModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A measurement, not a test: resident memory across model loads, with and without serving them.
 * Args: DATASET_DIR MODE SWAPS, MODE one of "create" (create and close models only), "engine" (hot
 * swaps without warm-up), "warm" (hot swaps with warm-up).
 */
public final class SwapMemoryRun {
    public static void main(String[] args) {
        SequenceDataset data = RecBoleDatasetReader.read(Path.of(args[0]));
        String mode = args[1];
        int swaps = Integer.parseInt(args[2]);
        MissRecConfig config = MissRecConfig.paper();
        Engine.getInstance().setRandomSeed(1);
        InterestTables interests;
        try (MissRecModel m =
                MissRecModel.create(config, data.textFeatures(), data.imageFeatures())) {
            interests = m.discoverInterests(new Random(1));
        }
        InferenceEngine engine = null;
        for (int s = 0; s <= swaps; s++) {
            MissRecModel m = MissRecModel.create(config, data.textFeatures(), data.imageFeatures());
            m.setInterests(interests);
            if (mode.equals("create")) {
                m.close();
            } else if (engine == null) {
                engine =
                        InferenceEngine.start(
                                m,
                                data.itemTokens(),
                                "v0",
                                new InferenceEngine.Options(true, mode.equals("warm")),
                                new LiveItemCatalog());
            } else {
                engine.swapModel(m, data.itemTokens(), "v" + s);
                engine.recommend(List.<String[]>of(new String[] {data.itemTokens()[1]}), 10);
            }
            if (s % 10 == 0) {
                if (args.length > 3 && args[3].equals("gc")) {
                    System.gc(); // frees the direct buffers DJL copied the tables through
                }
                System.out.printf("%s %d: RSS %.0f MiB%n", mode, s, InferenceBenchmark.rssMb());
            }
        }
        if (engine != null) {
            engine.close();
        }
    }
}
