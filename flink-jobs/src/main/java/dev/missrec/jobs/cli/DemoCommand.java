package dev.missrec.jobs.cli;

import dev.missrec.jobs.demo.DemoRunner;
import dev.missrec.jobs.demo.DemoSummary;
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
 * {@code demo}: the whole product on one machine — a local Kafka broker, a MISSRec model trained
 * (or reused from the local registry), RecommendJob on a local Flink MiniCluster with RocksDB, a
 * replayed click stream, brand-new items and a hot swap midway, a live view and a summary. Ctrl-C
 * stops everything. Exit code 0 when every click was answered exactly once, 1 otherwise.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the product end to end on this machine: Kafka broker, MISSRec model, RecommendJob"
                    + " on a local Flink MiniCluster (RocksDB), a replayed click stream, new items"
                    + " and a model hot swap midway; live view and summary.",
            "Default data: the seeded synthetic multi-modal generator (nothing downloaded)."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--dataset",
            paramLabel = "DIR",
            description =
                    "a MISSRec-format dataset, e.g. ../shared/data/amazon-scientific-mm (event time"
                            + " synthesised from sequence order)")
    Path dataset;

    @Option(
            names = "--movielens",
            paramLabel = "DIR",
            description =
                    "a MovieLens directory, e.g. ../shared/data/movielens-latest-small (real"
                            + " timestamps; item texts embedded by all-MiniLM-L6-v2)")
    Path movieLens;

    @Option(
            names = "--events",
            paramLabel = "N",
            defaultValue = "0",
            description = "clicks to replay (default: the whole stream)")
    int events;

    @Option(
            names = "--rate",
            paramLabel = "R",
            defaultValue = "200",
            description = "clicks per second; 0 = as fast as possible (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--json", paramLabel = "FILE", description = "write the summary as JSON")
    Path json;

    @Option(
            names = "--new-items",
            paramLabel = "M",
            defaultValue = "5",
            description =
                    "items held out of training and announced midway (default ${DEFAULT-VALUE})")
    int newItems;

    @Option(
            names = "--preset",
            defaultValue = "tiny",
            description = "MISSRec preset: tiny or paper (default ${DEFAULT-VALUE})")
    String preset;

    @Option(
            names = "--epochs",
            defaultValue = "8",
            description = "training epochs at most (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "work/demo",
            description =
                    "broker data, model registry, checkpoints, caches (default ${DEFAULT-VALUE})")
    Path workDir;

    @Option(
            names = "--kafka-port",
            defaultValue = "0",
            description = "the broker's port; 0 picks a free one (default ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "job parallelism (default ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--no-live", description = "no live view (for scripts and tests)")
    boolean noLive;

    @Option(
            names = "--keep-broker",
            description =
                    "leave the Kafka broker running at the end, to read the topics (e.g. with"
                            + " consume); stop it with kafka stop --dir <work-dir>/kafka")
    boolean keepBroker;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (dataset != null && movieLens != null) {
            throw new ParameterException(cli, "give at most one of --dataset and --movielens");
        }
        if (dataset != null && !Files.isDirectory(dataset)) {
            throw new ParameterException(cli, "dataset directory not found: " + dataset);
        }
        if (movieLens != null && !Files.isRegularFile(movieLens.resolve("ratings.csv"))) {
            throw new ParameterException(
                    cli, "not a MovieLens directory (no ratings.csv): " + movieLens);
        }
        if (events < 0 || rate < 0 || newItems < 0 || epochs < 1 || parallelism < 1) {
            throw new ParameterException(
                    cli,
                    "--events, --rate and --new-items must not be negative, --epochs and"
                            + " --parallelism must be positive");
        }
        if (!preset.equals("tiny") && !preset.equals("paper")) {
            throw new ParameterException(cli, "--preset must be tiny or paper, got " + preset);
        }
        if (json != null && Files.isDirectory(json)) {
            throw new ParameterException(cli, "--json must be a file, not a directory: " + json);
        }
        DemoRunner.Source source =
                dataset != null
                        ? DemoRunner.Source.DATASET
                        : movieLens != null
                                ? DemoRunner.Source.MOVIELENS
                                : DemoRunner.Source.SYNTHETIC;
        PrintWriter out = cli.getOut();
        DemoRunner runner =
                new DemoRunner(
                        new DemoRunner.Settings(
                                source,
                                dataset != null ? dataset : movieLens,
                                workDir,
                                events,
                                rate,
                                newItems,
                                preset,
                                epochs,
                                kafkaPort,
                                parallelism,
                                !noLive,
                                keepBroker),
                        out);
        Thread hook = new Thread(runner::stop, "demo-shutdown");
        ShutdownHooks.add(hook);
        DemoSummary summary;
        try {
            summary = runner.run();
        } finally {
            ShutdownHooks.remove(hook);
        }
        out.print(summary.toText());
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, summary.toJson());
            out.println("wrote " + json);
        }
        out.flush();
        boolean complete =
                summary.duplicates() == 0
                        && summary.recommendationsOut() + summary.deadLetters()
                                >= summary.eventsIn();
        return complete ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }
}
