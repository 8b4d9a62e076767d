package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticDatasetGeneratorTest {

    private static SequenceDataset generate(long seed) {
        return new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.builder()
                                .optUsers(200)
                                .optItems(120)
                                .optTopics(8)
                                .optFeatureDim(24)
                                .optSeed(seed)
                                .build())
                .generate();
    }

    @Test
    void shouldGenerateTheSameDatasetForTheSameSeed() {
        SequenceDataset a = generate(5);
        SequenceDataset b = generate(5);
        assertThat(a.textFeatures().data()).containsExactly(b.textFeatures().data());
        assertThat(a.imageFeatures().data()).containsExactly(b.imageFeatures().data());
        assertThat(a.train()).hasSameSizeAs(b.train());
        for (int i = 0; i < a.train().size(); i++) {
            assertThat(a.train().get(i).history()).containsExactly(b.train().get(i).history());
            assertThat(a.train().get(i).target()).isEqualTo(b.train().get(i).target());
        }
        assertThat(generate(6).textFeatures().data()).isNotEqualTo(a.textFeatures().data());
    }

    @Test
    void shouldHaveTheRequestedSizesAndAZeroPaddingRow() {
        SequenceDataset d = generate(1);
        assertThat(d.numItems()).isEqualTo(121);
        assertThat(d.numUsers()).isEqualTo(200);
        assertThat(d.valid()).hasSize(200);
        assertThat(d.test()).hasSize(200);
        assertThat(d.textFeatures().dim()).isEqualTo(24);
        assertThat(d.textFeatures().isEmpty(0)).isTrue();
        assertThat(d.imageFeatures().isEmpty(0)).isTrue();
        assertThat(d.itemTexts()[18]).matches("item 17 topic \\d+");
        DatasetStats stats = DatasetStats.of(d);
        assertThat(stats.users()).isEqualTo(200);
        assertThat(stats.items()).isEqualTo(120);
    }

    @Test
    void shouldDropOneModalityForSomeItemsButNeverBoth() {
        SequenceDataset d = generate(2);
        int missing = 0;
        for (int i = 1; i < d.numItems(); i++) {
            boolean noText = d.textFeatures().isEmpty(i);
            boolean noImage = d.imageFeatures().isEmpty(i);
            assertThat(noText && noImage).as("item %d lacks both modalities", i).isFalse();
            if (noText || noImage) {
                missing++;
            }
        }
        // default rate 0.1 of 120 items
        assertThat(missing).isBetween(3, 30);
    }

    @Test
    void shouldBuildTheSplitsAsTheReference() {
        SequenceDataset d = generate(3);
        Map<Integer, SequenceExample> longestTrain = new HashMap<>();
        for (SequenceExample c : d.train()) {
            longestTrain.merge(
                    c.user(), c, (x, y) -> x.history().length >= y.history().length ? x : y);
        }
        for (int u = 0; u < d.valid().size(); u++) {
            SequenceExample valid = d.valid().get(u);
            SequenceExample test = d.test().get(u);
            assertThat(test.user()).isEqualTo(valid.user());
            // test history = valid history + valid target (no truncation at L = 50 here)
            int[] h = valid.history();
            int[] expected = java.util.Arrays.copyOf(h, h.length + 1);
            expected[h.length] = valid.target();
            assertThat(test.history()).containsExactly(expected);
            // valid history = longest training history + its target
            SequenceExample last = longestTrain.get(valid.user());
            assertThat(last).isNotNull();
            int[] lh = last.history();
            int[] fromTrain = java.util.Arrays.copyOf(lh, lh.length + 1);
            fromTrain[lh.length] = last.target();
            assertThat(h).containsExactly(fromTrain);
        }
    }

    @Test
    void shouldMakeTheLastItemPredictTheNextFarBetterThanPopularity() {
        SequenceDataset d = generate(4);
        // How often the test target equals the most frequent successor of the last history item,
        // counted on training rows only, vs how often it is the single most popular item.
        Map<Integer, Map<Integer, Integer>> succ = new HashMap<>();
        Map<Integer, Integer> pop = new HashMap<>();
        for (SequenceExample c : d.train()) {
            succ.computeIfAbsent(c.history()[c.history().length - 1], k -> new HashMap<>())
                    .merge(c.target(), 1, Integer::sum);
            pop.merge(c.target(), 1, Integer::sum);
        }
        int top = argMax(pop);
        int chainHits = 0;
        int popHits = 0;
        List<SequenceExample> test = d.test();
        for (SequenceExample c : test) {
            Map<Integer, Integer> s = succ.get(c.history()[c.history().length - 1]);
            if (s != null && argMax(s) == c.target()) {
                chainHits++;
            }
            if (top == c.target()) {
                popHits++;
            }
        }
        assertThat(chainHits).isGreaterThan(3 * Math.max(popHits, 5));
    }

    private static int argMax(Map<Integer, Integer> counts) {
        return counts.entrySet().stream()
                .max(
                        Map.Entry.<Integer, Integer>comparingByValue()
                                .thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow()
                .getKey();
    }
}
