package dev.missrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.ArtifactReader;
import dev.missrec.model.artifact.ArtifactWriter;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.baseline.MostPopular;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelArtifacts;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.TrainedScorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainEvalCommandTest {
    private static final String[] DATA = {
        "--synthetic",
        "--synthetic-users",
        "80",
        "--synthetic-items",
        "40",
        "--synthetic-topics",
        "4"
    };

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A catalog with "pop" saved as its score vector, kind "test-pop", besides the baselines. */
    private static ModelCatalog catalog() {
        return ModelCatalog.standard().register("saved-pop", MostPopular::new, new SavedPop());
    }

    private int run(Callable<Integer> command, String... args) {
        CommandLine cli = ModelCli.installFailureHandler(new CommandLine(command));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static String[] args(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void shouldSaveATrainedModelAndReproduceItsMetricsWhenEvaluatingTheArtifact()
            throws IOException {
        Path model = dir.resolve("model");
        int code =
                run(
                        new TrainCommand(catalog()),
                        args(DATA, "--model", "saved-pop", "--out", model.toString()));
        assertThat(code).as(err.toString()).isZero();
        ArtifactManifest manifest = ArtifactReader.open(model).manifest();
        assertThat(manifest.modelKind()).isEqualTo("test-pop");
        assertThat(manifest.data().dataset()).isEqualTo("synthetic");
        double savedTestNdcg = manifest.metrics().get("test.ndcg@10");

        Path json = dir.resolve("eval.json");
        code =
                run(
                        new EvalCommand(catalog()),
                        args(
                                DATA,
                                "--model-dir",
                                model.toString(),
                                "--split",
                                "test",
                                "--json",
                                json.toString()));
        assertThat(code).as(err.toString()).isZero();
        JsonObject metrics =
                JsonParser.parseString(Files.readString(json))
                        .getAsJsonObject()
                        .getAsJsonObject("metrics");
        assertThat(metrics.get("ndcg@10").getAsDouble()).isEqualTo(savedTestNdcg);
        assertThat(savedTestNdcg).isPositive();
    }

    @Test
    void shouldRefuseToTrainAModelThatCannotBeSaved() {
        int code =
                run(
                        new TrainCommand(catalog()),
                        args(DATA, "--model", "markov", "--out", dir.resolve("m").toString()));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("'markov' cannot be saved")
                .containsPattern("savable models: .*saved-pop");
    }

    @Test
    void shouldRefuseToOverwriteAnExistingOutput() {
        int code =
                run(
                        new TrainCommand(catalog()),
                        args(DATA, "--model", "saved-pop", "--out", dir.toString()));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--out already exists");
    }

    @Test
    void shouldExitWithTwoForAMissingModelDirectory() {
        int code =
                run(
                        new EvalCommand(catalog()),
                        args(DATA, "--model-dir", dir.resolve("none").toString()));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("model directory not found");
    }

    @Test
    void shouldExitWithOneAndNameTheFileOfACorruptArtifact() throws IOException {
        Path model = dir.resolve("model");
        assertThat(
                        run(
                                new TrainCommand(catalog()),
                                args(DATA, "--model", "saved-pop", "--out", model.toString())))
                .isZero();
        byte[] bytes = Files.readAllBytes(model.resolve("scores.bin"));
        bytes[5] ^= 0x40;
        Files.write(model.resolve("scores.bin"), bytes);

        int code = run(new EvalCommand(catalog()), args(DATA, "--model-dir", model.toString()));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("eval failed").contains("scores.bin");
    }

    @Test
    void shouldExitWithOneForAnArtifactOfAnotherDataset() {
        Path model = dir.resolve("model");
        assertThat(
                        run(
                                new TrainCommand(catalog()),
                                args(DATA, "--model", "saved-pop", "--out", model.toString())))
                .isZero();
        int code =
                run(
                        new EvalCommand(catalog()),
                        "--synthetic",
                        "--synthetic-items",
                        "60",
                        "--model-dir",
                        model.toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("eval failed").contains("scores.bin");
    }

    /** Saves MostPopular's score vector; enough to exercise the artifact round trip. */
    private static final class SavedPop implements ModelArtifacts {
        @Override
        public String kind() {
            return "test-pop";
        }

        @Override
        public ArtifactManifest save(
                TrainedScorer scorer,
                Path target,
                DataDescription data,
                Map<String, Double> metrics) {
            float[] scores = scorer.score(List.of(new int[] {1}))[0];
            try (ArtifactWriter w =
                    ArtifactWriter.create(kind(), target.toAbsolutePath().getParent())) {
                return w.setConfig(Map.of("items", scores.length))
                        .setData(data)
                        .optMetrics(metrics)
                        .putFloats("scores.bin", scores, scores.length)
                        .commit(target);
            }
        }

        @Override
        public TrainedScorer load(Path dir, SequenceDataset data) {
            float[] scores =
                    ArtifactReader.open(dir)
                            .requireKind(kind())
                            .readFloats("scores.bin", data.numItems());
            return new TrainedScorer() {
                @Override
                public String name() {
                    return "saved-pop";
                }

                @Override
                public float[][] score(List<int[]> histories) {
                    float[][] rows = new float[histories.size()][];
                    Arrays.setAll(rows, i -> scores.clone());
                    return rows;
                }

                @Override
                public long trainableParameters() {
                    return 0;
                }

                @Override
                public long totalParameters() {
                    return 0;
                }

                @Override
                public int bestEpoch() {
                    return 0;
                }
            };
        }
    }
}
