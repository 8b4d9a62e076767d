package dev.missrec.model.cli;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ColdStartSplit;
import dev.missrec.model.eval.ComparisonReport;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.ModelComparison;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.missrec.MissRecArtifacts;
import dev.missrec.model.missrec.MissRecFineTuner;
import dev.missrec.model.missrec.TrainStage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compare}: trains each requested model on one dataset, evaluates all of them on the same
 * valid and test splits, prints a table and writes the comparison JSON. Exit code 0 on success, 2
 * for bad arguments (including a missing dataset directory or an unknown model), 1 for a failure
 * while reading data, training or writing.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train each model on one dataset and compare them on the same splits (full ranking).",
            "Use either --dataset DIR or --synthetic."
        })
public final class CompareCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private DatasetOptions data = new DatasetOptions();

    @Mixin private TrainingOptions training = new TrainingOptions();

    @Option(
            names = "--models",
            paramLabel = "NAME",
            split = ",",
            required = true,
            description = "comma-separated model names, e.g. pop,markov,content")
    private List<String> models;

    @Option(
            names = "--json",
            paramLabel = "FILE",
            required = true,
            description = "where to write the comparison JSON")
    private Path json;

    @Option(
            names = "--cold-start-fraction",
            paramLabel = "F",
            description = {
                "hold this fraction of the items (drawn with --seed) out of training entirely and",
                "report the test cases whose target is one of them as test_cold"
            })
    private Double coldStartFraction;

    @Option(
            names = "--pretrained",
            paramLabel = "DIR",
            description = {
                "a pre-trained MISSRec artifact (see pretrain): adds missrec-inductive-pt and",
                "missrec-transductive-pt, fine-tuned efficiently from it, to --models"
            })
    private Path pretrained;

    private final ModelCatalog catalog;

    /** A command over the standard model catalog. */
    public CompareCommand() {
        this(ModelCatalog.standard());
    }

    /** A command over {@code catalog} (tests register their own models). */
    public CompareCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** Runs the command as a program; exits with its exit code. */
    public static void main(String[] args) {
        System.exit(ModelCli.run(new CommandLine(new CompareCommand()), args));
    }

    /** A {@link CommandLine} for {@code command} with the failure handler of {@link ModelCli}. */
    public static CommandLine commandLine(CompareCommand command) {
        return ModelCli.installFailureHandler(new CommandLine(command));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        SequenceDataset dataset = data.load(spec.commandLine().getErr());
        TrainSettings settings = training.settings();
        if (coldStartFraction != null) {
            dataset = ColdStartSplit.apply(dataset, coldStartFraction, settings.seed());
            spec.commandLine()
                    .getErr()
                    .printf(
                            "cold start: %d items held out of training; %d of %d test cases have"
                                    + " a held-out target%n",
                            dataset.heldOutItems().length,
                            dataset.coldTest().size(),
                            dataset.test().size());
        }
        PrintWriter out = spec.commandLine().getOut();
        ComparisonReport report =
                new ModelComparison(catalog, System.err).run(dataset, models, settings);
        report.writeJson(json);
        out.print(report.toTable());
        out.println("wrote " + json);
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private void validate() {
        CommandLine cli = spec.commandLine();
        data.validate(cli);
        if (pretrained != null) {
            if (!Files.isDirectory(pretrained)) {
                throw new ParameterException(cli, "--pretrained is not a directory: " + pretrained);
            }
            models = new ArrayList<>(models);
            for (TrainStage stage : TrainStage.values()) {
                String name = MissRecFineTuner.modelName(stage);
                if (!catalog.contains(name)) {
                    catalog.register(
                            name,
                            () -> new MissRecFineTuner(pretrained, stage, true),
                            new MissRecArtifacts());
                }
                if (!models.contains(name)) {
                    models.add(name);
                }
            }
        }
        for (String m : models) {
            if (!catalog.contains(m)) {
                throw new ParameterException(
                        cli,
                        "unknown model '"
                                + m
                                + "'; known models: "
                                + String.join(", ", catalog.names()));
            }
        }
        training.validate(cli);
        if (coldStartFraction != null && !(coldStartFraction > 0 && coldStartFraction < 1)) {
            throw new ParameterException(
                    cli, "--cold-start-fraction must be in (0, 1), got " + coldStartFraction);
        }
        if (Files.isDirectory(json)) {
            throw new ParameterException(cli, "--json must be a file, not a directory: " + json);
        }
    }
}
