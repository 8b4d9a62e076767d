package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompareCommandTest {
    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = CompareCommand.commandLine(new CompareCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldCompareBaselinesOnSyntheticDataAndWriteTheJson() throws IOException {
        Path json = dir.resolve("out.json");
        int code =
                run(
                        "--synthetic",
                        "--synthetic-users",
                        "120",
                        "--synthetic-items",
                        "60",
                        "--models",
                        "pop,markov",
                        "--seed",
                        "9",
                        "--json",
                        json.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(root.getAsJsonObject("dataset").get("users").getAsInt()).isEqualTo(120);
        assertThat(root.getAsJsonArray("results")).hasSize(2);
        assertThat(out.toString()).contains("markov").contains("wrote " + json);
    }

    @Test
    void shouldExitWithTwoForAMissingDatasetDirectory() {
        int code =
                run(
                        "--dataset", dir.resolve("absent").toString(),
                        "--models", "pop",
                        "--json", dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("dataset directory not found");
    }

    @Test
    void shouldExitWithTwoAndListTheModelsForAnUnknownModel() {
        int code =
                run(
                        "--synthetic",
                        "--models",
                        "pop,gru4rec",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("unknown model 'gru4rec'")
                .containsPattern("known models: .*pop, markov, .*content");
    }

    @Test
    void shouldExitWithTwoWithoutADataSource() {
        int code = run("--models", "pop", "--json", dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("exactly one of --dataset DIR and --synthetic");
    }

    @Test
    void shouldExitWithTwoForAnUnknownPreset() {
        int code =
                run(
                        "--synthetic",
                        "--models",
                        "pop",
                        "--preset",
                        "huge",
                        "--json",
                        dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("huge");
    }

    @Test
    void shouldExitWithOneAndNameTheFileWhenTheDatasetIsBroken() throws IOException {
        Files.writeString(dir.resolve("B.train.inter"), "not a header\n");
        int code =
                run(
                        "--dataset", dir.toString(),
                        "--models", "pop",
                        "--json", dir.resolve("o.json").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("compare failed").contains("B.valid.inter");
    }
}
