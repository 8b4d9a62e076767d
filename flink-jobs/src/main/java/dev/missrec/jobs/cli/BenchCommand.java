package dev.missrec.jobs.cli;

import dev.missrec.jobs.bench.PipelineBenchmark;
import dev.missrec.jobs.feed.ClickStreams;
import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.jobs.kafka.LocalKafkaBroker;
import dev.missrec.model.cli.BenchInferenceCommand;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.schemas.ClickEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: benchmarks of the running product: {@code inference} (the model library's
 * inference engine) and {@code pipeline} (the RecommendJob end to end).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks of the running product: inference, pipeline.",
        subcommands = {BenchInferenceCommand.class, BenchCommand.Pipeline.class})
public final class BenchCommand {

    /** {@code bench pipeline}: the RecommendJob end to end against the recommender it serves. */
    @Command(
            name = "pipeline",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Replays a dataset's click stream through Kafka -> RecommendJob (local MiniCluster,",
                "RocksDB) -> Kafka and measures, in at-least-once and exactly-once modes, the",
                "sustained events/s and the p50/p99 latency (click's Kafka timestamp to the",
                "recommendation's produce time) at half that rate; and, in the same run, the",
                "served recommender's own throughput at the job's batch size.",
                "JSON: {\"engine_seq_per_s\", \"modes\": [{\"delivery\", \"events_per_s\",",
                "\"ratio_to_engine\", \"latency_ms_at_half_load\": {\"p50\", \"p99\"}}]}"
            })
    static final class Pipeline implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--events",
                paramLabel = "N",
                required = true,
                description = "Clicks replayed per throughput run (the dataset's first N).")
        int events;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the results here.")
        Path json;

        @Option(
                names = "--registry",
                paramLabel = "DIR",
                defaultValue = "work/registry",
                description = "Model registry (default: ${DEFAULT-VALUE}).")
        Path registry;

        @Option(
                names = "--model-version",
                paramLabel = "VERSION",
                description = "Version to serve (default: the latest).")
        String modelVersion;

        @Option(
                names = "--dataset",
                paramLabel = "DIR",
                required = true,
                description = "MISSRec-format dataset: the catalog and the click stream.")
        Path dataset;

        @Option(
                names = "--bootstrap-servers",
                paramLabel = "HOST:PORT",
                description = "Kafka to use (default: start a local broker process for the run).")
        String bootstrapServers;

        @Option(
                names = "--parallelism",
                defaultValue = "1",
                description = "Job parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(
                names = "--batch-size",
                defaultValue = "32",
                description = "Inference batch size (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(
                names = "--batch-deadline",
                defaultValue = "0ms",
                converter = DurationConverter.class,
                description =
                        "Inference batch deadline (default: ${DEFAULT-VALUE}, the job's default:"
                                + " work-conserving batching).")
        Duration batchDeadline;

        @Option(
                names = "--checkpoint-interval",
                defaultValue = "1s",
                converter = DurationConverter.class,
                description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
        Duration checkpointInterval;

        @Option(
                names = "--latency-phase",
                defaultValue = "20s",
                converter = DurationConverter.class,
                description = "How long clicks are paced at half load (default: ${DEFAULT-VALUE}).")
        Duration latencyPhase;

        @Option(
                names = "--latency-warm-up",
                defaultValue = "60s",
                converter = DurationConverter.class,
                description =
                        "Paced clicks sent before the latency is measured, while the JIT compilers"
                                + " of the job and the broker settle (default: ${DEFAULT-VALUE}).")
        Duration latencyWarmUp;

        @Option(
                names = "--work-dir",
                paramLabel = "DIR",
                defaultValue = "work/bench",
                description = "Broker data and checkpoints of the run (default: ${DEFAULT-VALUE}).")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dataset)) {
                throw new ParameterException(
                        spec.commandLine(), "--dataset " + dataset + " is not a directory");
            }
            if (events < 2 * batchSize) {
                throw new ParameterException(
                        spec.commandLine(), "--events must be at least twice --batch-size");
            }
            // progress on stderr, the JSON alone on stdout
            PrintStream out = System.err;
            SequenceDataset data = RecBoleDatasetReader.read(dataset);
            List<ClickEvent> all =
                    ClickStreams.synthesised(
                            data, Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(1));
            if (all.size() < events) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--events "
                                + events
                                + ": "
                                + data.name()
                                + " has "
                                + all.size()
                                + " clicks");
            }
            Path run = workDir.toAbsolutePath().resolve("run-" + System.currentTimeMillis());
            Files.createDirectories(run);
            LocalKafkaBroker broker = null;
            String bootstrap = bootstrapServers;
            if (bootstrap == null) {
                broker = new LocalKafkaBroker(run.resolve("kafka"));
                bootstrap = broker.start(0, 1024, Duration.ofSeconds(90));
                out.println("started a local broker at " + bootstrap);
            }
            try {
                PipelineBenchmark bench =
                        new PipelineBenchmark(
                                new RegistryRecommenderFactory(
                                        registry.toAbsolutePath().toString(),
                                        modelVersion,
                                        dataset.toAbsolutePath().toString(),
                                        false),
                                new PipelineBenchmark.Settings(
                                        bootstrap,
                                        parallelism,
                                        batchSize,
                                        batchDeadline,
                                        10,
                                        50,
                                        checkpointInterval,
                                        latencyPhase,
                                        latencyWarmUp,
                                        run.resolve("flink")),
                                out);
                out.printf(
                        "%d clicks of %s, batch size %d, parallelism %d, checkpoints every %s%n",
                        events, data.name(), batchSize, parallelism, checkpointInterval);
                PipelineBenchmark.Result result = bench.run(all.subList(0, events));
                String text = result.toJson();
                if (json != null) {
                    Path parent = json.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Files.writeString(json, text + "\n");
                }
                spec.commandLine().getOut().println(text);
                spec.commandLine().getOut().flush();
                return 0;
            } finally {
                if (broker != null) {
                    broker.stop(Duration.ofSeconds(30));
                }
            }
        }
    }
}
