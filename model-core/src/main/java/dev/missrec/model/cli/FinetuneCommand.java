package dev.missrec.model.cli;

import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.DatasetStats;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelComparison;
import dev.missrec.model.eval.RankingEvaluator;
import dev.missrec.model.eval.RankingMetrics;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.missrec.MissRecArtifact;
import dev.missrec.model.missrec.MissRecFineTuner;
import dev.missrec.model.missrec.MissRecScorer;
import dev.missrec.model.missrec.TrainStage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * {@code finetune}: fine-tunes a pre-trained MISSRec artifact on a dataset, evaluates it on valid
 * and test and saves it as an artifact whose manifest names the pre-trained one as its parent. Exit
 * code 2 for bad arguments, 1 for a failure.
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Fine-tune a pre-trained MISSRec artifact on a dataset and save it.")
public final class FinetuneCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private DatasetOptions data = new DatasetOptions();

    @Mixin private TrainingOptions training = new TrainingOptions();

    @Option(
            names = "--from",
            paramLabel = "DIR",
            required = true,
            description = "the pre-trained MISSRec artifact")
    private Path from;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "artifact directory")
    private Path out;

    @Option(
            names = "--efficient",
            description =
                    "train only the adapters, the decoder-input LayerNorm, the fusion factor and"
                            + " (transductive) the item IDs; positions, encoder, decoder frozen")
    private boolean efficient;

    @Option(
            names = "--stage",
            defaultValue = "INDUCTIVE",
            description =
                    "INDUCTIVE (ID-free) or TRANSDUCTIVE (with item IDs); default"
                            + " ${DEFAULT-VALUE}")
    private TrainStage stage;

    /** Runs the command as a program; exits with its exit code. */
    public static void main(String[] args) {
        System.exit(ModelCli.run(new CommandLine(new FinetuneCommand()), args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        data.validate(cli);
        training.validate(cli);
        if (!Files.isDirectory(from)) {
            throw new ParameterException(cli, "--from is not a directory: " + from);
        }
        if (Files.exists(out)) {
            throw new ParameterException(cli, "--out already exists: " + out);
        }
        SequenceDataset dataset = data.load(cli.getErr());
        TrainSettings settings = training.settings();
        PrintWriter w = cli.getOut();
        long t0 = System.nanoTime();
        try (MissRecScorer scorer =
                new MissRecFineTuner(from, stage, efficient).fit(dataset, settings)) {
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
                    MissRecArtifact.save(
                            scorer.model(),
                            scorer.itemTokens(),
                            out,
                            DataDescription.of(
                                    dataset.name(),
                                    stats.users(),
                                    stats.items(),
                                    stats.interactions()),
                            metrics,
                            from.toAbsolutePath().normalize().getFileName().toString());
            int epochs = scorer.training().epochs().size();
            w.printf(
                    "%s fine-tuned %s in %.1f s (%d epochs, %.1f s each; best epoch %d; %d"
                            + " trainable of %d parameters)%n",
                    MissRecFineTuner.modelName(stage),
                    efficient ? "efficiently" : "in full",
                    seconds,
                    epochs,
                    scorer.training().trainSeconds() / Math.max(1, epochs),
                    scorer.bestEpoch(),
                    scorer.trainableParameters(),
                    scorer.totalParameters());
            w.println("valid " + valid);
            w.println("test  " + test);
            w.println(
                    "saved "
                            + manifest.modelKind()
                            + " artifact to "
                            + out
                            + " (parent "
                            + manifest.parentVersion()
                            + ")");
            w.flush();
        }
        return CommandLine.ExitCode.OK;
    }
}
