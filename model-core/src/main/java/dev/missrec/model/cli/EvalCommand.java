package dev.missrec.model.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.missrec.model.artifact.ArtifactReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelArtifacts;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.ModelComparison;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainedScorer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eval}: loads a saved model artifact (verified: checksums, shapes, item ids) and evaluates
 * it with full ranking on one split of a dataset. Exit code 2 for bad arguments, 1 for a corrupt or
 * incompatible artifact or unreadable data.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Evaluate a saved model on the valid or test split of a dataset.")
public final class EvalCommand implements Callable<Integer> {

    /** The split to evaluate on. */
    public enum Split {
        valid,
        test
    }

    @Spec private CommandSpec spec;

    @Option(
            names = "--model-dir",
            paramLabel = "DIR",
            required = true,
            description = "artifact directory written by train")
    private Path modelDir;

    @Mixin private DatasetOptions data = new DatasetOptions();

    @Option(
            names = "--split",
            defaultValue = "test",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    private Split split;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the metrics as JSON")
    private Path json;

    private final ModelCatalog catalog;

    /** A command over the standard model catalog. */
    public EvalCommand() {
        this(ModelCatalog.standard());
    }

    /** A command over {@code catalog}. */
    public EvalCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** Runs the command as a program; exits with its exit code. */
    public static void main(String[] args) {
        System.exit(ModelCli.run(new CommandLine(new EvalCommand()), args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (!Files.isDirectory(modelDir)) {
            throw new ParameterException(cli, "model directory not found: " + modelDir);
        }
        data.validate(cli);
        // Verifies the whole artifact once before anything else is read.
        String kind = ArtifactReader.open(modelDir).modelKind();
        ModelArtifacts artifacts = catalog.artifactsForKind(kind);
        SequenceDataset dataset = data.load(cli.getErr());
        try (TrainedScorer scorer = artifacts.load(modelDir, dataset)) {
            long t0 = System.nanoTime();
            RankingMetrics metrics =
                    RankingEvaluator.evaluate(
                            scorer,
                            split == Split.valid ? dataset.valid() : dataset.test(),
                            ModelComparison.EVAL_BATCH);
            double seconds = (System.nanoTime() - t0) / 1e9;
            PrintWriter w = cli.getOut();
            w.printf(
                    "%s (%s) on %s/%s in %.2f s: %s%n",
                    scorer.name(), kind, dataset.name(), split, seconds, metrics);
            w.flush();
            if (json != null) {
                JsonObject root = new JsonObject();
                root.addProperty("model", scorer.name());
                root.addProperty("dataset", dataset.name());
                root.addProperty("split", split.name());
                JsonObject m = new JsonObject();
                for (Map.Entry<String, Double> e : metrics.asMap().entrySet()) {
                    m.addProperty(e.getKey(), e.getValue());
                }
                root.add("metrics", m);
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(
                        json,
                        new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n",
                        StandardCharsets.UTF_8);
            }
        }
        return CommandLine.ExitCode.OK;
    }
}
