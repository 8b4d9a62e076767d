package dev.missrec.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real quantised all-MiniLM-L6-v2 from the Maven jar (offline, about a second). */
class MiniLmTextEncoderTest {
    private static MiniLmTextEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = new MiniLmTextEncoder(2);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void shouldGiveUnitLength384DimensionalVectors() {
        float[][] v =
                encoder.encode(List.of("A space adventure with robots.", "Toy Story (1995)."));
        assertThat(encoder.dimension()).isEqualTo(384);
        assertThat(v).hasNumberOfRows(2);
        for (float[] row : v) {
            assertThat(row).hasSize(384);
            assertThat(norm(row)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void shouldPlaceSimilarSentencesCloserThanUnrelatedOnes() {
        float[][] v =
                encoder.encode(
                        List.of(
                                "A cartoon about toys that come to life.",
                                "An animated film where children's toys are alive.",
                                "The quarterly tax return is due in April.",
                                "Star Wars (1977). Action, Adventure, Sci-Fi.",
                                "Alien (1979). Horror, Sci-Fi. space, aliens.",
                                "Pride and Prejudice (2005). Drama, Romance."));
        double toys = cos(v[0], v[1]);
        assertThat(toys).isGreaterThan(cos(v[0], v[2]) + 0.3);
        assertThat(toys).isGreaterThan(cos(v[1], v[2]) + 0.3);
        // Two science-fiction films are closer to each other than to a period romance.
        assertThat(cos(v[3], v[4])).isGreaterThan(cos(v[3], v[5]));
        assertThat(cos(v[4], v[3])).isGreaterThan(cos(v[4], v[5]));
    }

    @Test
    void shouldBeDeterministicAcrossCallsAndBatchPositions() {
        String text = "Heat (1995). Action, Crime, Thriller.";
        float[] alone = encoder.encode(List.of(text))[0];
        float[][] batch = encoder.encode(List.of("Jumanji (1995).", text, "Casino (1995)."));
        assertThat(batch[1]).containsExactly(alone);
        try (MiniLmTextEncoder other = new MiniLmTextEncoder(1)) {
            assertThat(other.encode(List.of(text))[0]).containsExactly(alone);
            assertThat(other.modelId()).isEqualTo(encoder.modelId());
        }
    }

    @Test
    void shouldNameTheModelAndJarVersionInTheModelId() {
        assertThat(encoder.modelId()).isEqualTo("all-minilm-l6-v2-q/langchain4j-1.19.0-beta29");
    }

    @Test
    void shouldGiveBlankTextsAnAllZeroVector() {
        float[][] v = encoder.encode(List.of(" ", "Toy Story (1995)."));
        assertThat(v[0]).hasSize(384).containsOnly(0f);
        assertThat(norm(v[1])).isGreaterThan(0.9);
    }

    private static double norm(float[] a) {
        return Math.sqrt(cos(a, a, false));
    }

    private static double cos(float[] a, float[] b) {
        return cos(a, b, true);
    }

    private static double cos(float[] a, float[] b, boolean normalise) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return normalise ? dot / Math.sqrt(na * nb) : dot;
    }
}
