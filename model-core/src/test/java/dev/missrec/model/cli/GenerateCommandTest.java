package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {
    @TempDir Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new GenerateCommand());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldWriteADatasetTheReaderAccepts() {
        Path out = dir.resolve("syn");
        int code = run("--out", out.toString(), "--users", "50", "--items", "30", "--topics", "3");
        assertThat(code).as(err.toString()).isZero();
        SequenceDataset d = RecBoleDatasetReader.read(out);
        assertThat(d.numUsers()).isEqualTo(50);
        assertThat(d.test()).hasSize(50);
        assertThat(d.imageFeatures()).isNotNull();
    }

    @Test
    void shouldExitWithTwoForImpossibleSizes() {
        int code = run("--out", dir.toString(), "--items", "3", "--topics", "5");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("topics");
    }
}
