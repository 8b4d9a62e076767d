package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.eval.TrainSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalFineTuningTest {
    private static SequenceDataset data;

    @BeforeAll
    static void generate() {
        data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(60)
                                        .optItems(30)
                                        .optTopics(3)
                                        .optFeatureDim(8)
                                        .optSeed(5)
                                        .build())
                        .generate();
    }

    /** A parent trained for a few steps on the train cases, saved as an artifact. */
    private static Path parent(Path dir, TrainStage stage) {
        Engine.getInstance().setRandomSeed(2);
        try (MissRecModel model =
                MissRecModel.create(
                        MissRecConfig.tiny().withTrainStage(stage),
                        data.textFeatures(),
                        data.imageFeatures())) {
            model.discoverInterests(new Random(1));
            for (int i = 0; i + 32 <= 96; i += 32) {
                model.trainStep(data.train().subList(i, i + 32));
            }
            Path target = dir.resolve("v000001");
            MissRecArtifact.save(
                    model,
                    data.itemTokens(),
                    target,
                    DataDescription.of(data.name(), 60, 30, 100),
                    Map.of());
            return target;
        }
    }

    /** Three new items: copies of items 1..3's features with a little noise. */
    private static IncrementalFineTuning.NewItems newItems() {
        Random r = new Random(8);
        String[] tokens = {"new-a", "new-b", "new-c"};
        float[][] text = new float[3][];
        float[][] image = new float[3][];
        for (int i = 0; i < 3; i++) {
            text[i] = data.textFeatures().row(i + 1);
            image[i] = data.imageFeatures().row(i + 1);
            for (int j = 0; j < text[i].length; j++) {
                text[i][j] += (float) r.nextGaussian() * 0.05f;
            }
        }
        return new IncrementalFineTuning.NewItems(tokens, text, image);
    }

    @Test
    void shouldWriteAVerifiedChildThatNamesItsParentAndScoresAtLeastAsWell(@TempDir Path dir) {
        Path parent = parent(dir, TrainStage.TRANSDUCTIVE);
        int n = data.numItems();
        // the window: later cases, some of them reaching the new items (ids n, n+1, n+2)
        List<SequenceExample> window = new ArrayList<>(data.valid());
        for (int i = 0; i < 20; i++) {
            SequenceExample e = data.valid().get(i);
            window.add(new SequenceExample(e.user(), e.history(), n + (i % 3)));
        }
        IncrementalFineTuning.Request request =
                new IncrementalFineTuning.Request(
                        parent,
                        "v000001",
                        newItems(),
                        window,
                        data.train().subList(0, 50),
                        data.test().subList(0, 30),
                        data.test().subList(30, data.test().size()),
                        new DataDescription(data.name(), 60, 33, 500, "window 2"),
                        new TrainSettings("tiny", 3, 3, 2, false),
                        true);
        Path child = dir.resolve("v000002");
        IncrementalFineTuning.Result result = IncrementalFineTuning.run(request, child);

        assertThat(result.childHeldOut().ndcg10())
                .isGreaterThanOrEqualTo(result.parentHeldOut().ndcg10());
        assertThat(result.childTest().cases()).isEqualTo(data.test().size() - 30);
        assertThat(result.parentTest()).isNotNull();
        ArtifactManifest manifest = result.manifest();
        assertThat(manifest.parentVersion()).isEqualTo("v000001");
        assertThat(manifest.data().range()).isEqualTo("window 2");
        assertThat(manifest.metrics()).containsKeys("parent.heldout.ndcg@10", "heldout.ndcg@10");
        // loading verifies every checksum and shape
        MissRecArtifact.Loaded loaded = MissRecArtifact.load(child);
        try (MissRecModel model = loaded.model()) {
            assertThat(model.numItems()).isEqualTo(n + 3);
            assertThat(loaded.itemTokens()[n + 2]).isEqualTo("new-c");
            assertThat(loaded.manifest().parentVersion()).isEqualTo("v000001");
            assertThat(model.textFeatures().row(n)).containsExactly(newItems().text()[0]);
            int[] interests = model.interests().textLookup();
            assertThat(interests[n]).isBetween(1, model.interests().k());
        }
        // efficient: adapters, LayerNorm, beta and the (grown) ID table
        int d = MissRecConfig.tiny().hiddenSize();
        long adapters = 2L * (8 * d + d);
        assertThat(result.trainableParameters())
                .isEqualTo(adapters + 2L * d + 1 + (long) (n + 3) * d);
    }

    @Test
    void shouldRejectANewItemTheParentAlreadyHasAndCasesOutsideTheCatalog(@TempDir Path dir) {
        Path parent = parent(dir, TrainStage.INDUCTIVE);
        IncrementalFineTuning.NewItems known =
                new IncrementalFineTuning.NewItems(
                        new String[] {data.itemTokens()[1]},
                        new float[][] {data.textFeatures().row(1)},
                        null);
        TrainSettings settings = new TrainSettings("tiny", 3, 1, 1, false);
        DataDescription what = DataDescription.of(data.name(), 1, 1, 1);
        assertThatThrownBy(
                        () ->
                                IncrementalFineTuning.run(
                                        new IncrementalFineTuning.Request(
                                                parent,
                                                "v000001",
                                                known,
                                                data.valid(),
                                                List.of(),
                                                data.test(),
                                                List.of(),
                                                what,
                                                settings,
                                                true),
                                        dir.resolve("bad")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already in the catalog");
        SequenceExample outside = new SequenceExample(1, new int[] {1}, data.numItems() + 5);
        assertThatThrownBy(
                        () ->
                                IncrementalFineTuning.run(
                                        new IncrementalFineTuning.Request(
                                                parent,
                                                "v000001",
                                                IncrementalFineTuning.NewItems.none(),
                                                List.of(outside),
                                                List.of(),
                                                data.test(),
                                                List.of(),
                                                what,
                                                settings,
                                                true),
                                        dir.resolve("bad2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
    }
}
