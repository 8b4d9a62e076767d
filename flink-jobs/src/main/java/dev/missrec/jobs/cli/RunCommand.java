package dev.missrec.jobs.cli;

import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.jobs.job.RecommendJob;
import dev.missrec.jobs.job.RecommendJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code run}: the RecommendJob on a local Flink MiniCluster with the RocksDB state backend and
 * checkpointing, reading and writing the configured Kafka topics until stopped (Ctrl-C); or, with
 * {@code --jobmanager}, submitted to a Flink cluster as its job jar, the way {@code flink run -d}
 * does, leaving it running there.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the RecommendJob locally (Flink MiniCluster, RocksDB state, checkpoints):",
            "clicks -> exactly-once recommendations, until Ctrl-C. With --jobmanager, submit it",
            "to a Flink cluster instead (detached; the registry and dataset paths must be",
            "readable by its task managers, which need DJL in lib/ loaded parent-first).",
            "Job options (--set KEY=VALUE): bootstrap.servers, topic.clicks, topic.recommendations,",
            "topic.dead-letters, topic.items, topic.model-updates, group.id, k, sequence.max-length,",
            "inference.batch-size, inference.batch-deadline, state.ttl, lateness,",
            "watermark.out-of-orderness, recompute.min-interval, recompute.event-types,",
            "checkpoint.interval, network.buffer-timeout, delivery, transactional-id-prefix,",
            "transaction.timeout, kafka.*"
        })
public final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--registry",
            paramLabel = "DIR",
            defaultValue = "work/registry",
            description = "Model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(
            names = "--model-version",
            paramLabel = "VERSION",
            description = "Version to serve at start (default: the latest).")
    String modelVersion;

    @Option(
            names = "--dataset",
            paramLabel = "DIR",
            required = true,
            description = "MISSRec-format dataset whose item catalog the model scores.")
    Path dataset;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A job option (repeatable); see above.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description =
                    "Submit to the Flink cluster with this REST address instead of running"
                            + " locally.")
    String jobManager;

    @Option(
            names = "--jar",
            paramLabel = "FILE",
            description =
                    "The job jar to submit with --jobmanager (default: the"
                            + " flink-jobs-VERSION-job.jar built next to this CLI).")
    Path jar;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = "work/flink",
            description = "Checkpoints and RocksDB files (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(
            names = "--web-ui-port",
            defaultValue = "-1",
            description = "Serve Flink's web UI on this port (default: off).")
    int webUiPort;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dataset)) {
            throw new ParameterException(
                    spec.commandLine(), "--dataset " + dataset + " is not a directory");
        }
        Map<String, String> jobOptions = new LinkedHashMap<>(settings);
        jobOptions.putIfAbsent("bootstrap.servers", bootstrapServers);
        RecommendJobOptions options;
        try {
            options = RecommendJobOptions.fromMap(jobOptions);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }

        if (jobManager != null) {
            return submit(options, jobOptions);
        }
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                stateDir.toAbsolutePath().resolve("checkpoints").toUri().toString());
        if (webUiPort > 0) {
            conf.set(RestOptions.PORT, webUiPort);
        }
        StreamExecutionEnvironment env =
                webUiPort > 0
                        ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf)
                        : StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(options.checkpointInterval().toMillis());
        RecommendJob.onKafka(
                        options,
                        new RegistryRecommenderFactory(
                                registry.toAbsolutePath().toString(),
                                modelVersion,
                                dataset.toAbsolutePath().toString(),
                                false))
                .addTo(env);
        spec.commandLine()
                .getOut()
                .printf(
                        "RecommendJob running locally: %s -> %s (model registry %s); Ctrl-C stops it%n",
                        options.clicksTopic(), options.recommendationsTopic(), registry);
        spec.commandLine().getOut().flush();
        env.execute("missrec-recommend");
        return 0;
    }

    /**
     * Submits the job jar to the cluster at {@link #jobManager}, detached, as {@code flink run}.
     */
    private int submit(RecommendJobOptions options, Map<String, String> jobOptions)
            throws Exception {
        HostAndPort rest = HostAndPort.parse(spec, "--jobmanager", jobManager);
        Path jobJar = jar != null ? jar : JobJar.besideCli();
        if (jobJar == null || !Files.isRegularFile(jobJar)) {
            throw new ParameterException(
                    spec.commandLine(),
                    (jobJar == null
                                    ? "no job jar next to the CLI"
                                    : "--jar " + jobJar + " not found")
                            + "; build it with ./mvnw -pl flink-jobs -am package");
        }
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--registry", registry.toAbsolutePath().toString()));
        args.addAll(List.of("--dataset", dataset.toAbsolutePath().toString()));
        if (modelVersion != null) {
            args.addAll(List.of("--model-version", modelVersion));
        }
        for (Map.Entry<String, String> e : jobOptions.entrySet()) {
            args.addAll(List.of("--" + e.getKey(), e.getValue()));
        }
        JobID id = JobJar.submit(jobJar, args, rest.host(), rest.port(), parallelism);
        spec.commandLine()
                .getOut()
                .printf(
                        "Submitted RecommendJob %s to %s (%s -> %s, model registry %s)%n",
                        id,
                        jobManager,
                        options.clicksTopic(),
                        options.recommendationsTopic(),
                        registry.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A {@code host:port} option value. */
    record HostAndPort(String host, int port) {
        static HostAndPort parse(CommandSpec spec, String option, String value) {
            int colon = value.lastIndexOf(':');
            try {
                if (colon > 0) {
                    int port = Integer.parseInt(value.substring(colon + 1));
                    if (port > 0 && port < 65536) {
                        return new HostAndPort(value.substring(0, colon), port);
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ParameterException(
                    spec.commandLine(), option + " must be HOST:PORT, got '" + value + "'");
        }
    }
}
