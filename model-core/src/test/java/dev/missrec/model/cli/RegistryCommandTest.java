package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.artifact.ArtifactWriter;
import dev.missrec.model.artifact.DataDescription;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RegistryCommandTest {
    @TempDir Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(new ModelCli()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private Path artifact(String name) {
        Path dir = tmp.resolve(name);
        try (ArtifactWriter w = ArtifactWriter.create("test", tmp)) {
            w.setConfig(Map.of("x", 1))
                    .setData(new DataDescription("synthetic", 1, 2, 3, null))
                    .optMetric("valid.ndcg@10", 0.1234)
                    .putFloats("w.bin", new float[] {1f}, 1);
            w.commit(dir);
        }
        return dir;
    }

    @Test
    void shouldPublishListShowAndRetainVersions() {
        String registry = tmp.resolve("registry").toString();
        Path a = artifact("a");
        assertThat(run("registry", "publish", a.toString(), "--registry", registry).out())
                .contains("published v000001");
        assertThat(run("registry", "publish", a.toString(), "--registry", registry).code())
                .isZero();

        Run list = run("registry", "list", "--registry", registry);
        assertThat(list.out())
                .contains("v000001")
                .contains("v000002")
                .contains("valid.ndcg@10=0.1234");
        assertThat(run("registry", "show", "latest", "--registry", registry).out())
                .contains("version          v000002")
                .contains("\"model_kind\"");
        assertThat(run("registry", "retain", "--keep", "1", "--registry", registry).out())
                .contains("deleted v000001");
    }

    @Test
    void shouldFailWithOneLineForAMissingVersionOrAnEscapingLocation() {
        String registry = tmp.resolve("registry").toString();
        Run missing = run("registry", "show", "v000009", "--registry", registry);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no model version 'v000009'");
        Run escape = run("registry", "show", "../etc", "--registry", registry);
        assertThat(escape.code()).isEqualTo(1);
        assertThat(escape.err()).contains("outside the registry");
    }
}
