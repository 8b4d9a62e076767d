package dev.missrec.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MissrecCliTest {

    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        CommandLine cli = MissrecCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void shouldPrintTheProductAndStackVersions() {
        Result r = run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("missrec \\d+\\.\\d+\\.\\d+").contains("Flink 2.2.0");
        assertThat(r.out()).contains("DJL 0.36.0").doesNotContain("${");
    }

    @Test
    void shouldListSubcommandsInHelp() {
        Result r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: missrec").contains("kafka");
    }

    @Test
    void shouldRefuseBadDemoArgumentsWithExitCodeTwoBeforeStartingAnything() {
        Result both = run("demo", "--dataset", ".", "--movielens", ".");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("at most one of --dataset and --movielens");
        Result preset = run("demo", "--preset", "huge");
        assertThat(preset.exitCode()).isEqualTo(2);
        assertThat(preset.err()).contains("--preset must be tiny or paper");
        Result missing = run("demo", "--dataset", "no/such/dir");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("dataset directory not found");
    }

    @Test
    void shouldListEveryProductCommandInHelp() {
        assertThat(run("--help").out())
                .contains("demo", "kafka", "run", "announce", "produce", "consume", "compare")
                .contains("train", "eval", "generate", "registry");
    }

    @Test
    void shouldExitWithTwoOnAnUnknownCommand() {
        Result r = run("no-such-command");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no-such-command");
    }

    @Test
    void shouldReportABrokerThatIsNotRunningWithExitCodeThree(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Result r = run("kafka", "status", "--dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(3);
    }
}
