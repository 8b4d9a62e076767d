package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCliTest {
    @TempDir Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(new ModelCli()));
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldRunCompareAsASubcommand() {
        Path json = dir.resolve("c.json");
        int code =
                run(
                        "compare",
                        "--synthetic",
                        "--synthetic-items",
                        "40",
                        "--models",
                        "pop",
                        "--json",
                        json.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.exists(json)).isTrue();
    }

    @Test
    void shouldExitWithTwoWithoutASubcommand() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("missing command");
    }

    @Test
    void shouldExitWithTwoForAnUnknownSubcommand() {
        assertThat(run("fit")).isEqualTo(2);
    }
}
