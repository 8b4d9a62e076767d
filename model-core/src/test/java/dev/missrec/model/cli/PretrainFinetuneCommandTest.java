package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.missrec.model.artifact.ArtifactManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pretrain}, {@code finetune} and {@code compare --pretrained --cold-start-fraction}. */
class PretrainFinetuneCommandTest {
    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(command));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private Path generate(String name, String seed) {
        Path data = dir.resolve(name);
        int code =
                run(
                        new GenerateCommand(),
                        "--out",
                        data.toString(),
                        "--users",
                        "80",
                        "--items",
                        "40",
                        "--dim",
                        "8",
                        "--seed",
                        seed);
        assertThat(code).as(err.toString()).isZero();
        return data;
    }

    @Test
    void shouldPretrainOnTwoDatasetsThenFineTuneEfficientlyWithTheParentRecorded()
            throws IOException {
        Path a = generate("a", "1");
        Path b = generate("b", "2");
        Path pt = dir.resolve("pt");
        int code =
                run(
                        new PretrainCommand(),
                        "--datasets",
                        a + "," + b,
                        "--preset",
                        "tiny",
                        "--epochs",
                        "1",
                        "--batch-size",
                        "64",
                        "--no-progress",
                        "--out",
                        pt.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("80 items").contains("saved missrec artifact");
        ArtifactManifest pre =
                ArtifactManifest.parse(Files.readString(pt.resolve("manifest.json")));
        assertThat(pre.data().items()).isEqualTo(80);
        assertThat(pre.metrics()).containsKey("pretrain.loss");

        Path ft = dir.resolve("ft");
        code =
                run(
                        new FinetuneCommand(),
                        "--from",
                        pt.toString(),
                        "--dataset",
                        a.toString(),
                        "--efficient",
                        "--preset",
                        "tiny",
                        "--max-epochs",
                        "2",
                        "--no-progress",
                        "--out",
                        ft.toString());
        assertThat(code).as(err.toString()).isZero();
        // tiny, inductive, P = 8: adapters 2 x (8 x 32 + 32) = 576, LayerNorm 64, beta 1
        assertThat(out.toString()).contains("641 trainable").contains("(parent pt)");
        ArtifactManifest child =
                ArtifactManifest.parse(Files.readString(ft.resolve("manifest.json")));
        assertThat(child.parentVersion()).isEqualTo("pt");
    }

    @Test
    void shouldAddTestColdToEveryResultAndPretrainedRowsToTheComparison() throws IOException {
        Path a = generate("a", "3");
        Path pt = dir.resolve("pt");
        assertThat(
                        run(
                                new PretrainCommand(),
                                "--datasets",
                                a.toString(),
                                "--preset",
                                "tiny",
                                "--epochs",
                                "1",
                                "--batch-size",
                                "64",
                                "--no-progress",
                                "--out",
                                pt.toString()))
                .as(err.toString())
                .isZero();
        Path json = dir.resolve("cmp.json");
        int code =
                run(
                        new CompareCommand(),
                        "--dataset",
                        a.toString(),
                        "--models",
                        "pop,content",
                        "--pretrained",
                        pt.toString(),
                        "--cold-start-fraction",
                        "0.2",
                        "--preset",
                        "tiny",
                        "--max-epochs",
                        "1",
                        "--no-progress",
                        "--json",
                        json.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        List<String> models = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("results")) {
            JsonObject r = e.getAsJsonObject();
            models.add(r.get("model").getAsString());
            assertThat(r.has("test_cold")).as(r.get("model").getAsString()).isTrue();
            assertThat(r.getAsJsonObject("test_cold").get("hit@10").getAsDouble())
                    .isBetween(0.0, 1.0);
        }
        assertThat(models)
                .containsExactly(
                        "pop", "content", "missrec-inductive-pt", "missrec-transductive-pt");
        assertThat(err.toString()).contains("cold start: 8 items held out");
        assertThat(out.toString()).contains("cold targets");
    }

    @Test
    void shouldRejectABadColdStartFractionAsAUsageError() {
        int code =
                run(
                        new CompareCommand(),
                        "--synthetic",
                        "--models",
                        "pop",
                        "--cold-start-fraction",
                        "1.5",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--cold-start-fraction must be in (0, 1)");
    }
}
