package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.model.nn.GradientUnderCollection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MissRecPretrainerTest {

    private static SequenceDataset synthetic(long seed, int items) {
        return new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.builder()
                                .optUsers(50)
                                .optItems(items)
                                .optTopics(3)
                                .optFeatureDim(8)
                                .optSeed(seed)
                                .build())
                .generate();
    }

    @Test
    void inBatchCrossEntropyShouldMatchAHandComputedCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1, 0, 0, 0}, new Shape(2, 2));
            // row 0: -log(e/(e+1)) = log(1+e^-1); row 1: -log(1/2) = log 2
            float expected = (float) ((Math.log(1 + Math.exp(-1)) + Math.log(2)) / 2);
            assertThat(MissRecPretrainer.inBatchCrossEntropy(logits).getFloat())
                    .isCloseTo(expected, within(1e-6f));
            assertThat(expected).isCloseTo(0.5032044f, within(1e-6f));
        }
    }

    @Test
    void fusedInBatchLogitsShouldWeighModalitiesBySoftmaxOfBetaTimesCosine() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(new float[] {0.6f, 0.8f}, new Shape(1, 2));
            NDArray t = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray v = m.create(new float[] {0, 1}, new Shape(1, 2));
            // c_t = 0.6, c_v = 0.8; beta 2: softmax(1.2, 1.6) = (0.40131, 0.59869)
            NDArray beta = m.create(new float[] {2f}, new Shape(1));
            assertThat(MissRecPretrainer.fusedInBatchLogits(s, t, v, beta, 1f).getFloat(0, 0))
                    .isCloseTo(0.7197375f, within(1e-6f));
            // beta 0 is the plain mean; tau divides
            NDArray zero = m.create(new float[] {0f}, new Shape(1));
            assertThat(MissRecPretrainer.fusedInBatchLogits(s, t, v, zero, 0.5f).getFloat(0, 0))
                    .isCloseTo(1.4f, within(1e-6f));
            assertThat(MissRecPretrainer.fusedInBatchLogits(s, t, v, null, 0.5f).getFloat(0, 0))
                    .isCloseTo(1.4f, within(1e-6f));
        }
    }

    @Test
    void itemDropShouldKeepTheFirstItemAndAnOrderedSubsequence() {
        int[] history = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        Random random = new Random(3);
        int dropped = 0;
        for (int trial = 0; trial < 200; trial++) {
            int[] kept = MissRecPretrainer.itemDrop(history, 0.2, random);
            assertThat(kept[0]).isEqualTo(5);
            for (int j = 1; j < kept.length; j++) {
                assertThat(kept[j]).isGreaterThan(kept[j - 1]); // order kept, no repeats
            }
            dropped += history.length - kept.length;
        }
        // 9 droppable positions x 200 trials x 0.2 = 360 expected
        assertThat(dropped).isBetween(300, 420);
        assertThat(MissRecPretrainer.itemDrop(history, 0.0, random)).containsExactly(history);
        assertThat(MissRecPretrainer.itemDrop(new int[] {4}, 0.9, random)).containsExactly(4);
    }

    @Test
    void wordDropShouldReplaceAboutTheRatioOfPositions() {
        Random random = new Random(9);
        int replaced = 0;
        for (int trial = 0; trial < 100; trial++) {
            for (boolean r : MissRecPretrainer.wordDropPositions(10, 0.2, random)) {
                replaced += r ? 1 : 0;
            }
        }
        assertThat(replaced).isBetween(160, 240);
    }

    @Test
    void corpusShouldKeepItemIdsApartPerDatasetAndUseOnlyTrainingCases() {
        SequenceDataset a = synthetic(1, 20);
        SequenceDataset b = synthetic(2, 30);
        PretrainingCorpus corpus = PretrainingCorpus.of(List.of(a, b));

        assertThat(corpus.numItems()).isEqualTo(1 + 20 + 30);
        assertThat(corpus.itemTokens()[1]).isEqualTo("0-" + a.itemTokens()[1]);
        assertThat(corpus.itemTokens()[21]).isEqualTo("1-" + b.itemTokens()[1]);
        assertThat(corpus.train()).hasSize(a.train().size() + b.train().size());
        SequenceExample firstOfB = corpus.train().get(a.train().size());
        assertThat(firstOfB.target()).isEqualTo(b.train().get(0).target() + 20);
        assertThat(corpus.text().row(21)).containsExactly(b.textFeatures().row(1));
        assertThat(corpus.text().row(0)).containsOnly(0f);
        assertThat(corpus.name()).isEqualTo(a.name() + "+" + b.name());
    }

    @Test
    void corpusShouldRejectDatasetsOfDifferentFeatureSizes() {
        SequenceDataset a = synthetic(1, 20);
        SequenceDataset wide =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(20)
                                        .optItems(20)
                                        .optFeatureDim(12)
                                        .optSeed(3)
                                        .build())
                        .generate();
        assertThatThrownBy(() -> PretrainingCorpus.of(List.of(a, wide)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature");
    }

    @Test
    void pretrainingShouldRunWithBothAugmentationsAndChangeTheNetwork() {
        SequenceDataset a = synthetic(1, 20);
        PretrainingCorpus base = PretrainingCorpus.of(List.of(a, synthetic(2, 25)));
        // word-dropped text: the text features with noise stand in for a re-encoded text
        float[] noisy = base.text().data().clone();
        Random r = new Random(4);
        for (int i = base.text().dim(); i < noisy.length; i++) {
            noisy[i] += (float) r.nextGaussian() * 0.1f;
        }
        PretrainingCorpus corpus =
                new PretrainingCorpus(
                        base.name(),
                        base.itemTokens(),
                        base.text(),
                        base.image(),
                        new ItemFeatureTable(base.numItems(), base.text().dim(), noisy),
                        base.train(),
                        base.users());
        // itemDropProbability 0.5: both augmentations occur over the batches
        MissRecPretrainer.Options options =
                new MissRecPretrainer.Options(2, 32, MissRecPretrainer.LAMBDA, 0.2, 0.5, 7);
        MissRecPretrainer.Result result =
                MissRecPretrainer.pretrain(corpus, MissRecConfig.tiny(), options, null, false);
        try (MissRecModel model = result.model()) {
            assertThat(result.epochLosses()).hasSize(2).allMatch(Double::isFinite);
            assertThat(model.config().interestRatio()).isEqualTo(MissRecPretrainer.INTEREST_RATIO);
            assertThat(model.config().trainStage()).isEqualTo(TrainStage.INDUCTIVE);
            assertThat(model.interests().k())
                    .isEqualTo((int) Math.ceil(2 * (corpus.numItems() - 1) * 0.02));
            float[] beta =
                    FineTuning.byName(model.block()).get("fusion_factor").getArray().toFloatArray();
            assertThat(Arrays.equals(beta, new float[] {0f})).isFalse(); // β starts at 0
        }
    }

    @Test
    void shouldGiveTheInBatchLossTheSameGradientsWhateverTheGarbageCollector() {
        Map<String, float[]>[] runs = new Map[2];
        for (int i = 0; i < 2; i++) {
            runs[i] =
                    GradientUnderCollection.gradients(
                            5,
                            m -> {
                                Linear encoder = Linear.builder().setUnits(8).build();
                                encoder.initialize(m, DataType.FLOAT32, new Shape(4, 8));
                                return encoder;
                            },
                            (b, m) -> {
                                NDArray s =
                                        MissRecBlock.normalize(
                                                b.forward(
                                                                new ParameterStore(m, false),
                                                                new NDList(
                                                                        m.randomNormal(
                                                                                new Shape(4, 8))),
                                                                true)
                                                        .head());
                                NDArray t = MissRecBlock.normalize(m.randomNormal(new Shape(4, 8)));
                                NDArray v = MissRecBlock.normalize(m.randomNormal(new Shape(4, 8)));
                                return MissRecPretrainer.inBatchCrossEntropy(
                                        MissRecPretrainer.fusedInBatchLogits(s, t, v, null, 0.07f));
                            },
                            i == 1);
        }
        GradientUnderCollection.assertSameGradients(runs[0], runs[1]);
    }
}
