package dev.missrec.model.missrec;

import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.eval.ColdStartSplit;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Incremental fine-tuning on a later window of a real dataset (a command, not a test). The
 * dataset's order within each sequence is chronological, so event time is synthesised from it:
 *
 * <ul>
 *   <li>before the window: every user's training prefix (all but the last two events) without a
 *       seeded fraction of the items, which "appear later"; the parent is trained on it (its
 *       validation: each user's last event of that prefix) and saved as {@code v000001};
 *   <li>the window: each user's second-to-last event (its history may now hold new items), 80% of
 *       users to fine-tune on and 20% held out for selection, plus a replay of 20% of the older
 *       cases; the new items join the catalog with their features;
 *   <li>after the window: each user's last event, the test of parent and child.
 * </ul>
 *
 * <p>Usage: {@code IncrementalWindowRun DATASET_DIR WORK_DIR NEW_ITEM_FRACTION PARENT_MAX_EPOCHS
 * FINE_TUNE_MAX_EPOCHS SEED [inductive|transductive] [paper|tiny]}.
 */
public final class IncrementalWindowRun {
    private IncrementalWindowRun() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Path work = Path.of(args[1]);
        double fraction = Double.parseDouble(args[2]);
        int parentEpochs = Integer.parseInt(args[3]);
        int fineTuneEpochs = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        TrainStage stage =
                TrainStage.valueOf(
                        (args.length > 6 ? args[6] : "inductive").toUpperCase(Locale.ROOT));
        String preset = args.length > 7 ? args[7] : "paper";

        SequenceDataset data = RecBoleDatasetReader.read(dir);
        int[] later = ColdStartSplit.apply(data, fraction, seed).heldOutItems();
        boolean[] isNew = new boolean[data.numItems()];
        for (int item : later) {
            isNew[item] = true;
        }
        // child ids: the parent's items first (old order), then the new ones
        int[] toChild = new int[data.numItems()];
        int next = 1;
        for (int i = 1; i < data.numItems(); i++) {
            if (!isNew[i]) {
                toChild[i] = next++;
            }
        }
        int parentItems = next;
        for (int item : later) {
            toChild[item] = next++;
        }

        // before the window: training prefixes without the new items, in parent ids
        SequenceDataset before = ColdStartSplit.holdOut(data, later);
        Map<Integer, SequenceExample> lastOfUser = new HashMap<>();
        for (SequenceExample e : before.train()) {
            lastOfUser.put(e.user(), e); // rows of a user come in time order
        }
        List<SequenceExample> parentTrain = new ArrayList<>();
        for (SequenceExample e : before.train()) {
            if (lastOfUser.get(e.user()) != e) {
                parentTrain.add(map(e, toChild));
            }
        }
        List<SequenceExample> parentValid =
                lastOfUser.values().stream()
                        .sorted((a, b) -> Integer.compare(a.user(), b.user()))
                        .map(e -> map(e, toChild))
                        .toList();
        String[] parentTokens = new String[parentItems];
        String[] tokens = data.itemTokens();
        for (int i = 0; i < data.numItems(); i++) {
            if (!isNew[i]) {
                parentTokens[toChild[i]] = tokens[i];
            }
        }
        ItemFeatureTable text = rows(data.textFeatures(), toChild, parentItems, isNew);
        ItemFeatureTable image = rows(data.imageFeatures(), toChild, parentItems, isNew);
        SequenceDataset parentData =
                new SequenceDataset(
                        data.name() + "-before",
                        data.numUsers(),
                        parentTokens,
                        null,
                        text,
                        image,
                        parentTrain,
                        parentValid,
                        List.of());
        System.out.printf(
                "parent: %d items, %d train cases, %d valid cases; %d items appear later%n",
                parentItems - 1, parentTrain.size(), parentValid.size(), later.length);

        TrainSettings parentSettings = new TrainSettings(preset, seed, parentEpochs, 10, false);
        long t0 = System.nanoTime();
        Path parentDir = work.resolve("v000001");
        try (MissRecScorer parent = new MissRecTrainer(stage).fit(parentData, parentSettings)) {
            MissRecArtifact.save(
                    parent.model(),
                    parentTokens,
                    parentDir,
                    new DataDescription(
                            parentData.name(),
                            data.numUsers(),
                            parentItems - 1,
                            parentTrain.size(),
                            "training prefixes without the later items"),
                    Map.of(),
                    null);
            System.out.printf(
                    "parent trained in %.1f s, best epoch %d%n",
                    (System.nanoTime() - t0) / 1e9, parent.bestEpoch());
        }

        // the window and after it, in child ids
        List<SequenceExample> window = new ArrayList<>();
        List<SequenceExample> heldOut = new ArrayList<>();
        Random split = new Random(seed + 1);
        for (SequenceExample e : data.valid()) {
            (split.nextDouble() < 0.8 ? window : heldOut).add(map(e, toChild));
        }
        List<SequenceExample> replay = new ArrayList<>();
        Random sample = new Random(seed + 2);
        for (SequenceExample e : parentTrain) {
            if (sample.nextDouble() < 0.2) {
                replay.add(e);
            }
        }
        List<SequenceExample> test = data.test().stream().map(e -> map(e, toChild)).toList();
        String[] newTokens = new String[later.length];
        float[][] newText = new float[later.length][];
        float[][] newImage = new float[later.length][];
        for (int j = 0; j < later.length; j++) {
            newTokens[j] = tokens[later[j]];
            newText[j] = data.textFeatures().row(later[j]);
            newImage[j] = data.imageFeatures().row(later[j]);
        }
        IncrementalFineTuning.Request request =
                new IncrementalFineTuning.Request(
                        parentDir,
                        "v000001",
                        new IncrementalFineTuning.NewItems(newTokens, newText, newImage),
                        window,
                        replay,
                        heldOut,
                        test,
                        new DataDescription(
                                data.name(),
                                data.numUsers(),
                                data.numItems() - 1,
                                window.size() + replay.size(),
                                "window: each user's second-to-last event + 20% replay"),
                        new TrainSettings(preset, seed, fineTuneEpochs, 5, false),
                        true);
        long t1 = System.nanoTime();
        Path childDir = work.resolve("v000002");
        IncrementalFineTuning.Result r = IncrementalFineTuning.run(request, childDir);
        System.out.printf(
                "child fine-tuned in %.1f s: best epoch %d, %d trainable parameters; %d window,"
                        + " %d replay, %d held-out, %d test cases; %d new items%n",
                (System.nanoTime() - t1) / 1e9,
                r.bestEpoch(),
                r.trainableParameters(),
                window.size(),
                replay.size(),
                heldOut.size(),
                test.size(),
                later.length);
        System.out.println("held-out parent " + r.parentHeldOut());
        System.out.println("held-out child  " + r.childHeldOut());
        System.out.println("test     parent " + r.parentTest());
        System.out.println("test     child  " + r.childTest());
        MissRecArtifact.Loaded child = MissRecArtifact.load(childDir);
        try (MissRecModel model = child.model();
                MissRecModel.Scoring scoring = model.scoring()) {
            List<SequenceExample> cold =
                    test.stream().filter(e -> e.target() >= parentItems).toList();
            RankingMetrics m =
                    RankingEvaluator.evaluate(
                            new dev.missrec.model.eval.SequenceScorer() {
                                @Override
                                public String name() {
                                    return "child";
                                }

                                @Override
                                public float[][] score(List<int[]> histories) {
                                    return scoring.score(histories);
                                }
                            },
                            cold,
                            256);
            System.out.println("test on new-item targets, child (reloaded, verified) " + m);
            System.out.printf(
                    "child artifact %s: parent %s, data %s, files %s%n",
                    childDir,
                    child.manifest().parentVersion(),
                    child.manifest().data(),
                    child.manifest().files().keySet());
        }
    }

    private static SequenceExample map(SequenceExample e, int[] toChild) {
        return new SequenceExample(
                e.user(),
                Arrays.stream(e.history()).map(i -> toChild[i]).toArray(),
                toChild[e.target()]);
    }

    private static ItemFeatureTable rows(
            ItemFeatureTable table, int[] toChild, int parentItems, boolean[] isNew) {
        int d = table.dim();
        float[] out = new float[parentItems * d];
        for (int i = 1; i < table.rows(); i++) {
            if (!isNew[i]) {
                System.arraycopy(table.data(), i * d, out, toChild[i] * d, d);
            }
        }
        return new ItemFeatureTable(parentItems, d, out);
    }
}
