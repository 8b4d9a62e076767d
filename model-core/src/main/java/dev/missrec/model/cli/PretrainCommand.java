package dev.missrec.model.cli;

import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.DatasetStats;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.missrec.MissRecArtifact;
import dev.missrec.model.missrec.MissRecConfig;
import dev.missrec.model.missrec.MissRecPretrainer;
import dev.missrec.model.missrec.PretrainingCorpus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * {@code pretrain}: pre-trains MISSRec on the training sequences of one or several datasets
 * (contrastive objectives, MISSREC-SPEC.md §3.1) and saves it as an artifact that {@code finetune}
 * and {@code compare --pretrained} start from. Exit code 2 for bad arguments, 1 for a failure.
 */
@Command(
        name = "pretrain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Pre-train MISSRec on the training sequences of one or several datasets and save it.",
            "Only training cases are used (no valid/test); item ids stay apart per dataset."
        })
public final class PretrainCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private DatasetOptions data = new DatasetOptions();

    @Option(
            names = "--datasets",
            paramLabel = "DIR",
            split = ",",
            required = true,
            description = "comma-separated dataset directories, all in --format")
    private List<Path> datasets;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "artifact directory")
    private Path out;

    @Option(
            names = "--preset",
            defaultValue = "paper",
            description = "network size: paper or tiny (default ${DEFAULT-VALUE})")
    private String preset;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "pre-training epochs (reference: 100; default ${DEFAULT-VALUE})")
    private int epochs;

    @Option(
            names = "--batch-size",
            defaultValue = "1024",
            description =
                    "sequences per batch: the in-batch negatives (reference: 4096 over several"
                            + " GPUs, about 1024 per model; default ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(
            names = "--seed",
            defaultValue = "2020",
            description = "seed (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--no-progress", description = "no progress bars")
    private boolean noProgress;

    /** Runs the command as a program; exits with its exit code. */
    public static void main(String[] args) {
        System.exit(ModelCli.run(new CommandLine(new PretrainCommand()), args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (data.dataset != null || data.synthetic) {
            throw new ParameterException(cli, "use --datasets DIR[,DIR...], not --dataset");
        }
        if (Files.exists(out)) {
            throw new ParameterException(cli, "--out already exists: " + out);
        }
        if (epochs < 1 || batchSize < 2) {
            throw new ParameterException(cli, "--epochs must be >= 1 and --batch-size >= 2");
        }
        MissRecConfig network;
        try {
            network = MissRecConfig.preset(preset);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, e.getMessage());
        }
        for (Path dir : datasets) {
            data.dataset = dir;
            data.validate(cli);
        }
        data.dataset = null;
        PrintWriter w = cli.getOut();
        List<SequenceDataset> loaded = new ArrayList<>();
        long interactions = 0;
        for (Path dir : datasets) {
            SequenceDataset d = data.load(dir, cli.getErr());
            loaded.add(d);
            interactions += DatasetStats.of(d).interactions();
        }
        PretrainingCorpus corpus = PretrainingCorpus.of(loaded);
        w.printf(
                "pre-training on %s: %d training sequences, %d items%n",
                corpus.name(), corpus.train().size(), corpus.numItems() - 1);
        w.flush();
        MissRecPretrainer.Result result =
                MissRecPretrainer.pretrain(
                        corpus,
                        network,
                        MissRecPretrainer.Options.reference(epochs, batchSize, seed),
                        System.err,
                        !noProgress);
        try (var model = result.model()) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("pretrain.loss", result.epochLosses().get(result.epochLosses().size() - 1));
            metrics.put("pretrain.epochs", (double) epochs);
            metrics.put(
                    "pretrain.seconds_per_epoch",
                    result.epochSeconds().stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElse(0));
            ArtifactManifest manifest =
                    MissRecArtifact.save(
                            model,
                            corpus.itemTokens(),
                            out,
                            new DataDescription(
                                    corpus.name(),
                                    corpus.users(),
                                    corpus.numItems() - 1,
                                    interactions,
                                    "training cases only"),
                            metrics);
            w.printf(
                    "pre-trained %d epochs, loss %.4f -> %.4f, %.1f s per epoch; saved %s artifact"
                            + " to %s%n",
                    epochs,
                    result.epochLosses().get(0),
                    result.epochLosses().get(result.epochLosses().size() - 1),
                    metrics.get("pretrain.seconds_per_epoch"),
                    manifest.modelKind(),
                    out);
            w.flush();
        }
        return CommandLine.ExitCode.OK;
    }
}
