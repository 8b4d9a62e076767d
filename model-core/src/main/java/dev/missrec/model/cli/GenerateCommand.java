package dev.missrec.model.cli;

import dev.missrec.model.data.DatasetStats;
import dev.missrec.model.data.RecBoleDatasetWriter;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code generate}: writes a seeded synthetic dataset as a MISSRec/RecBole directory, so that
 * {@code compare --dataset}, training and the streaming demo can use it like real data. Exit code 2
 * for bad arguments, 1 if writing fails.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Write a seeded synthetic dataset (RecBole format: synthetic.train.inter, ...).")
public final class GenerateCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output directory")
    private Path out;

    @Option(
            names = "--users",
            defaultValue = "300",
            description = "users (default ${DEFAULT-VALUE})")
    private int users;

    @Option(
            names = "--items",
            defaultValue = "200",
            description = "items (default ${DEFAULT-VALUE})")
    private int items;

    @Option(
            names = "--topics",
            defaultValue = "10",
            description = "latent topics (default ${DEFAULT-VALUE})")
    private int topics;

    @Option(
            names = "--dim",
            paramLabel = "P",
            defaultValue = "32",
            description = "feature size of both modalities (default ${DEFAULT-VALUE})")
    private int dim;

    @Option(
            names = "--max-length",
            paramLabel = "L",
            defaultValue = "50",
            description = "histories keep their last L items (default ${DEFAULT-VALUE})")
    private int maxLength;

    @Option(names = "--seed", defaultValue = "42", description = "seed (default ${DEFAULT-VALUE})")
    private long seed;

    /** Runs the command as a program; exits with its exit code. */
    public static void main(String[] args) {
        System.exit(ModelCli.run(new CommandLine(new GenerateCommand()), args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        SyntheticDatasetGenerator.Options options;
        try {
            options =
                    SyntheticDatasetGenerator.Options.builder()
                            .optUsers(users)
                            .optItems(items)
                            .optTopics(topics)
                            .optFeatureDim(dim)
                            .optMaxHistory(maxLength)
                            .optSeed(seed)
                            .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(cli, "--out exists and is not a directory: " + out);
        }
        SequenceDataset data = new SyntheticDatasetGenerator(options).generate();
        RecBoleDatasetWriter.write(data, out);
        DatasetStats stats = DatasetStats.of(data);
        PrintWriter w = cli.getOut();
        w.printf(
                "wrote %s to %s: %d users, %d items, %d interactions%n",
                data.name(), out, stats.users(), stats.items(), stats.interactions());
        w.flush();
        return CommandLine.ExitCode.OK;
    }
}
