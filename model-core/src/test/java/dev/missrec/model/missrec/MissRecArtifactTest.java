package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissRecArtifactTest {
    private static SequenceDataset data;

    @BeforeAll
    static void generate() {
        data =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(40)
                                        .optItems(30)
                                        .optTopics(3)
                                        .optFeatureDim(8)
                                        .optSeed(5)
                                        .build())
                        .generate();
    }

    private static MissRecModel trainedModel() {
        Engine.getInstance().setRandomSeed(9);
        MissRecConfig c = MissRecConfig.tiny().withTrainStage(TrainStage.TRANSDUCTIVE);
        MissRecModel model = MissRecModel.create(c, data.textFeatures(), data.imageFeatures());
        model.discoverInterests(new Random(1));
        model.trainStep(data.train().subList(0, 32));
        return model;
    }

    @Test
    void shouldScoreExactlyAsBeforeAfterASaveAndLoadRoundTrip(@TempDir Path tmp) {
        Path dir = tmp.resolve("v1");
        List<int[]> histories = List.of(data.test().get(0).history(), data.test().get(1).history());
        float[][] before;
        try (MissRecModel model = trainedModel();
                MissRecModel.Scoring s = model.scoring()) {
            before = s.score(histories);
            MissRecArtifact.save(
                    model,
                    data.itemTokens(),
                    dir,
                    DataDescription.of("synthetic", data.numUsers(), data.numItems() - 1, 100),
                    Map.of("valid.ndcg@10", 0.5));
        }
        MissRecArtifact.Loaded loaded = MissRecArtifact.load(dir);
        try (MissRecModel model = loaded.model();
                MissRecModel.Scoring s = model.scoring()) {
            assertThat(loaded.itemTokens()).containsExactly(data.itemTokens());
            assertThat(model.config().trainStage()).isEqualTo(TrainStage.TRANSDUCTIVE);
            float[][] after = s.score(histories);
            assertThat(after[0]).containsExactly(before[0]);
            assertThat(after[1]).containsExactly(before[1]);
        }
    }

    @Test
    void shouldRefuseAnArtifactWithACorruptedInterestTable(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("v1");
        try (MissRecModel model = trainedModel()) {
            MissRecArtifact.save(
                    model,
                    data.itemTokens(),
                    dir,
                    DataDescription.of("synthetic", data.numUsers(), data.numItems() - 1, 100),
                    Map.of());
        }
        Path file = dir.resolve(MissRecArtifact.INTEREST_EMBEDDINGS_FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(file, bytes);
        assertThatThrownBy(() -> MissRecArtifact.load(dir))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining(MissRecArtifact.INTEREST_EMBEDDINGS_FILE);
    }

    @Test
    void shouldRefuseToScoreADatasetWithOtherItemsThroughTheCatalogLoader(@TempDir Path tmp) {
        Path dir = tmp.resolve("v1");
        try (MissRecModel model = trainedModel()) {
            MissRecArtifact.save(
                    model,
                    data.itemTokens(),
                    dir,
                    DataDescription.of("synthetic", data.numUsers(), data.numItems() - 1, 100),
                    Map.of());
        }
        SequenceDataset other =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(40)
                                        .optItems(31)
                                        .optTopics(3)
                                        .optFeatureDim(8)
                                        .optSeed(5)
                                        .build())
                        .generate();
        assertThatThrownBy(() -> new MissRecArtifacts().load(dir, other))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining(MissRecArtifact.ITEMS_FILE);
        try (var scorer = new MissRecArtifacts().load(dir, data)) {
            assertThat(scorer.name()).isEqualTo("missrec-transductive");
            assertThat(scorer.trainableParameters()).isPositive();
        }
    }
}
