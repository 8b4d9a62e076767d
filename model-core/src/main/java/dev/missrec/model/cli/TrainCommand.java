package dev.missrec.model.cli;

import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.DatasetStats;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelArtifacts;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.ModelComparison;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code train}: trains one model with early stopping, evaluates it on valid and test and saves it
 * as a verified artifact directory. Exit code 2 for bad arguments (missing dataset, unknown or
 * unsavable model, existing output), 1 for a failure while training or saving.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Train one model and save it as an artifact directory.")
public final class TrainCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private DatasetOptions data = new DatasetOptions();

    @Mixin private TrainingOptions training = new TrainingOptions();

    @Option(names = "--model", paramLabel = "NAME", required = true, description = "model to train")
    private String model;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "artifact directory")
    private Path out;

    private final ModelCatalog catalog;

    /** A command over the standard model catalog. */
    public TrainCommand() {
        this(ModelCatalog.standard());
    }

    /** A command over {@code catalog}. */
    public TrainCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** Runs the command as a program; exits with its exit code. */
    public static void main(String[] args) {
        System.exit(ModelCli.run(new CommandLine(new TrainCommand()), args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        data.validate(cli);
        if (!catalog.contains(model)) {
            throw new ParameterException(
                    cli,
                    "unknown model '"
                            + model
                            + "'; known models: "
                            + String.join(", ", catalog.names()));
        }
        Optional<ModelArtifacts> artifacts = catalog.artifacts(model);
        if (artifacts.isEmpty()) {
            throw new ParameterException(
                    cli,
                    "model '"
                            + model
                            + "' cannot be saved as an artifact; savable models: "
                            + (catalog.savableNames().isEmpty()
                                    ? "none"
                                    : String.join(", ", catalog.savableNames())));
        }
        if (Files.exists(out)) {
            throw new ParameterException(cli, "--out already exists: " + out);
        }
        training.validate(cli);

        SequenceDataset dataset = data.load(cli.getErr());
        TrainSettings settings = training.settings();
        PrintWriter w = cli.getOut();
        long t0 = System.nanoTime();
        try (TrainedScorer scorer = catalog.trainer(model).fit(dataset, settings)) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            RankingMetrics valid =
                    RankingEvaluator.evaluate(scorer, dataset.valid(), ModelComparison.EVAL_BATCH);
            RankingMetrics test =
                    RankingEvaluator.evaluate(scorer, dataset.test(), ModelComparison.EVAL_BATCH);
            Map<String, Double> metrics = new LinkedHashMap<>();
            valid.asMap().forEach((k, v) -> metrics.put("valid." + k, v));
            test.asMap().forEach((k, v) -> metrics.put("test." + k, v));
            DatasetStats stats = DatasetStats.of(dataset);
            ArtifactManifest manifest =
                    artifacts
                            .get()
                            .save(
                                    scorer,
                                    out,
                                    DataDescription.of(
                                            dataset.name(),
                                            stats.users(),
                                            stats.items(),
                                            stats.interactions()),
                                    metrics);
            w.printf(
                    "%s trained in %.1f s (best epoch %d, %d trainable of %d parameters)%n",
                    model,
                    seconds,
                    scorer.bestEpoch(),
                    scorer.trainableParameters(),
                    scorer.totalParameters());
            w.println("valid " + valid);
            w.println("test  " + test);
            w.println("saved " + manifest.modelKind() + " artifact to " + out);
            w.flush();
        }
        return CommandLine.ExitCode.OK;
    }
}
