package dev.missrec.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecommendationFormatterTest {

    private static Recommendation rec(Long e2eMillis, Long inferenceMicros, ScoredItem... items) {
        return Recommendation.newBuilder()
                .setUserId("u7")
                .setItems(List.of(items))
                .setModelVersion("v2")
                .setTriggerEventId("Scientific-u7-4")
                .setTriggerEventTime(Instant.parse("2024-01-01T00:04:00Z"))
                .setProducedTime(Instant.parse("2026-11-30T09:00:00.123Z"))
                .setEndToEndLatencyMillis(e2eMillis)
                .setInferenceLatencyMicros(inferenceMicros)
                .build();
    }

    @Test
    void shouldPrintHeaderAndRankedItemsWithScoresAndText() {
        Map<String, String> texts =
                Map.of("12", "Gorilla Glue, 8 ounce", "1044", "Digital   caliper\n150 mm");
        RecommendationFormatter f =
                new RecommendationFormatter(id -> Optional.ofNullable(texts.get(id)), 0, 70);

        String out =
                f.format(
                        rec(
                                15L,
                                2_500L,
                                new ScoredItem("12", 3.25f),
                                new ScoredItem("1044", -0.5f),
                                new ScoredItem("7", 0.125f)),
                        "recommendations-0@42");

        assertThat(out)
                .isEqualTo(
                        "user u7  model v2  trigger Scientific-u7-4 @ 2024-01-01T00:04:00Z"
                                + "  latency end-to-end 15 ms, inference 2.5 ms"
                                + "  produced 2026-11-30T09:00:00.123Z  (recommendations-0@42)\n"
                                + "  1.    3.2500  12    Gorilla Glue, 8 ounce\n"
                                + "  2.   -0.5000  1044  Digital caliper 150 mm\n"
                                + "  3.    0.1250  7\n");
    }

    @Test
    void shouldSayNotMeasuredAndCutLongTextAndExtraItems() {
        RecommendationFormatter f =
                new RecommendationFormatter(id -> Optional.of("x".repeat(100)), 1, 10);
        String out =
                f.format(rec(null, 800L, new ScoredItem("a", 1f), new ScoredItem("b", 0f)), null);
        assertThat(out)
                .contains("latency end-to-end n/a, inference 800 us")
                .doesNotContain("(null)")
                .contains("1.    1.0000  a  xxxxxxx...\n")
                .endsWith("  ... 1 more\n");
        assertThat(out).doesNotContain("  2.");
    }

    @Test
    void shouldSayWhenThereAreNoItems() {
        RecommendationFormatter f = new RecommendationFormatter(id -> Optional.empty(), 10, 70);
        assertThat(f.format(rec(1L, 1L), null)).endsWith("\n   (no items)\n");
    }
}
