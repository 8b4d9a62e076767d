package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchInferenceCommandTest {
    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(new ModelCli()));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldWriteTheDocumentedJsonFromMeasuredRuns() throws Exception {
        Path json = dir.resolve("bench.json");
        int code =
                run(
                        "bench",
                        "inference",
                        "--preset",
                        "tiny",
                        "--items",
                        "300",
                        "--dim",
                        "16",
                        "--batches",
                        "1,8",
                        "--seconds",
                        "0.05",
                        "--inferences",
                        "200",
                        "--swaps",
                        "2",
                        "--json",
                        json.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonObject r = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(r.get("gemm_peak_gflops").getAsDouble()).isPositive();
        assertThat(r.get("catalog_items").getAsInt()).isEqualTo(300);
        assertThat(r.getAsJsonArray("batches")).hasSize(2);
        JsonObject b8 = r.getAsJsonArray("batches").get(1).getAsJsonObject();
        assertThat(b8.get("batch").getAsInt()).isEqualTo(8);
        for (String key : new String[] {"seq_per_s", "p50_ms", "p99_ms", "gflops", "peak_ratio"}) {
            assertThat(b8.get(key).getAsDouble()).as(key).isPositive();
        }
        assertThat(b8.get("p99_ms").getAsDouble())
                .isGreaterThanOrEqualTo(b8.get("p50_ms").getAsDouble());
        JsonObject rss = r.getAsJsonObject("rss_mb");
        for (String key : new String[] {"start", "after_inferences", "after_swaps"}) {
            assertThat(rss.get(key).getAsDouble()).as(key).isPositive();
        }
        assertThat(r.get("sequences_scored").getAsLong()).isGreaterThanOrEqualTo(200);
        assertThat(out.toString()).contains("matrix-product peak").contains("RSS MiB");
    }

    @Test
    void shouldExitWithTwoWithoutACatalog() {
        assertThat(run("bench", "inference", "--preset", "tiny")).isEqualTo(2);
        assertThat(err.toString()).contains("exactly one of --items N and --dataset DIR");
    }
}
