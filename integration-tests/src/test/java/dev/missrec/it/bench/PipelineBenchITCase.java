package dev.missrec.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.missrec.it.hotswap.TrainedRegistry;
import dev.missrec.it.kafka.KafkaBrokerExtension;
import dev.missrec.jobs.cli.MissrecCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code missrec bench pipeline} on the in-JVM broker with a small trained SASRec model: it runs
 * every phase in both delivery modes and writes the JSON scripts depend on, with measured values.
 */
class PipelineBenchITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir static Path tmp;

    @Test
    void shouldWriteEngineThroughputAndBothDeliveryModesAsJson() throws Exception {
        TrainedRegistry registry = TrainedRegistry.create(tmp, 1);
        Path json = tmp.resolve("out/bench.json");
        int exit =
                MissrecCli.run(
                        "bench",
                        "pipeline",
                        "--events",
                        "300",
                        "--json",
                        json.toString(),
                        "--registry",
                        registry.registryDir().toString(),
                        "--dataset",
                        registry.datasetDir().toString(),
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--batch-size",
                        "16",
                        "--checkpoint-interval",
                        "300ms",
                        "--latency-phase",
                        "2s",
                        "--latency-warm-up",
                        "2s",
                        "--work-dir",
                        tmp.resolve("work").toString());
        assertThat(exit).isZero();

        JsonObject out = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(out.keySet()).containsExactlyInAnyOrder("engine_seq_per_s", "modes");
        double engine = out.get("engine_seq_per_s").getAsDouble();
        assertThat(engine).isPositive();
        JsonArray modes = out.getAsJsonArray("modes");
        assertThat(modes).hasSize(2);
        List<String> deliveries =
                modes.asList().stream()
                        .map(m -> m.getAsJsonObject().get("delivery").getAsString())
                        .toList();
        assertThat(deliveries).containsExactly("at-least-once", "exactly-once");
        for (var m : modes) {
            JsonObject mode = m.getAsJsonObject();
            assertThat(mode.keySet())
                    .containsExactlyInAnyOrder(
                            "delivery",
                            "events_per_s",
                            "ratio_to_engine",
                            "latency_ms_at_half_load");
            double rate = mode.get("events_per_s").getAsDouble();
            assertThat(rate).isPositive();
            assertThat(mode.get("ratio_to_engine").getAsDouble())
                    .isCloseTo(rate / engine, org.assertj.core.data.Offset.offset(0.01));
            JsonObject latency = mode.getAsJsonObject("latency_ms_at_half_load");
            assertThat(latency.keySet()).containsExactlyInAnyOrder("p50", "p99");
            assertThat(latency.get("p50").getAsDouble()).isPositive();
            assertThat(latency.get("p99").getAsDouble())
                    .isGreaterThanOrEqualTo(latency.get("p50").getAsDouble());
        }
    }
}
