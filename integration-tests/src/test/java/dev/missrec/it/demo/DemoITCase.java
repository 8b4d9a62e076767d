package dev.missrec.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.missrec.jobs.cli.MissrecCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo path headless, as {@code ./missrec demo --events N --json FILE --no-live} runs it: its
 * own Kafka broker process, two MISSRec versions trained into a fresh registry, RecommendJob on a
 * MiniCluster, new items and a hot swap midway; the summary must account for every click exactly
 * once, show the swap and the new items being recommended, and leave no broker running.
 */
class DemoITCase {

    @Test
    void shouldAnswerEveryClickOnceSwapModelsAndRecommendNewItems(@TempDir Path tmp)
            throws Exception {
        Path json = tmp.resolve("summary.json");
        Path work = tmp.resolve("work");
        int exit =
                MissrecCli.run(
                        "demo",
                        "--events",
                        "900",
                        "--rate",
                        "150",
                        "--epochs",
                        "3",
                        "--no-live",
                        "--json",
                        json.toString(),
                        "--work-dir",
                        work.toString());
        assertThat(exit).isZero();
        JsonObject s = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        long in = s.get("events_in").getAsLong();
        long out = s.get("recommendations_out").getAsLong();
        long dead = s.get("dead_letters").getAsLong();
        assertThat(in).isBetween(800L, 900L); // clicks on new items before they exist are held back
        assertThat(out + dead).isEqualTo(in);
        assertThat(s.get("duplicates").getAsLong()).isZero();
        assertThat(out).isGreaterThan(in * 9 / 10);
        List<String> versions = new ArrayList<>();
        s.getAsJsonArray("model_versions").forEach(v -> versions.add(v.getAsString()));
        assertThat(versions).containsExactly("v000001", "v000002");
        assertThat(s.get("catalog_size").getAsInt()).isEqualTo(240); // 235 trained + 5 new
        assertThat(s.get("new_items_recommended").getAsInt()).isPositive();
        JsonObject latency = s.getAsJsonObject("latency_ms");
        assertThat(latency.get("p50").getAsLong()).isNotNegative();
        assertThat(latency.get("p99").getAsLong())
                .isGreaterThanOrEqualTo(latency.get("p50").getAsLong());

        // the broker process was stopped
        assertThat(Files.exists(work.resolve("kafka").resolve("broker.pid")))
                .as("no broker pid file left")
                .isFalse();
    }
}
