package dev.missrec.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.it.hotswap.TrainedRegistry;
import dev.missrec.it.kafka.KafkaBrokerExtension;
import dev.missrec.jobs.cli.MissrecCli;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.serde.Serdes;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real Flink cluster in its own JVM, whose class path holds Flink and DJL
 * (with libtorch) but none of the product's classes, Kafka client or Avro: exactly what a
 * deployment has in Flink's {@code lib/}. The first job is submitted the way {@code flink run -d}
 * does (the jar's main in a user-code class loader, the job graph shipped with the jar); after it
 * is cancelled, a second job, submitted with {@code missrec run --jobmanager}, loads a model in the
 * same task manager JVM through a new user-code class loader, which fails if DJL is not loaded
 * parent-first (libtorch can be loaded only once per JVM).
 */
class JobJarOnClusterITCase {
    private static final int USERS = 20;

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir static Path tmp;

    static Process cluster;
    static Path clusterLog;
    static int restPort;
    static Path jobJar;

    @BeforeAll
    static void startClusterWithFlinkAndDjlOnItsClassPath() throws Exception {
        jobJar = Path.of(requiredProperty("missrec.job.jar"));
        assertThat(jobJar).as("the job jar (built by flink-jobs at package)").isRegularFile();
        String classPath =
                Files.readString(Path.of(requiredProperty("missrec.cluster.classpath"))).trim();
        assertThat(classPath).as("cluster class path").doesNotContain("/dev/missrec/");
        Path ownClasses =
                Path.of(
                        FlinkClusterMain.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        clusterLog = tmp.resolve("cluster.log");
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1",
                        "-Dai.djl.pytorch.num_interop_threads=1",
                        "-cp",
                        classPath + File.pathSeparator + ownClasses,
                        FlinkClusterMain.class.getName(),
                        tmp.resolve("checkpoints").toString());
        cluster =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(clusterLog.toFile())
                        .start();
        restPort = awaitRestPort(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            try (OutputStream stdin = cluster.getOutputStream()) {
                // closing its standard input stops it
            }
            if (!cluster.waitFor(30, TimeUnit.SECONDS)) {
                cluster.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldServeFromTheJobJarAndAgainFromASecondJobInTheSameTaskManager() throws Exception {
        TrainedRegistry registry = TrainedRegistry.create(tmp.resolve("models"), 1);
        String version = registry.versions().get(0).version();
        String[] items = registry.data().itemTokens();

        // 1. as `flink run -d job.jar <args>`
        createTopics("cj1-");
        JobID first = submitLikeFlinkRun(jobArgs(registry, "cj1-"));
        sendClicks("cj1-", items);
        assertEveryClickRecommendedOnce("cj1-", version);
        cancel(first);

        // 2. as `missrec run --jobmanager`, in the task manager JVM that already loaded libtorch
        createTopics("cj2-");
        int exit =
                MissrecCli.run(
                        "run",
                        "--jobmanager",
                        "localhost:" + restPort,
                        "--jar",
                        jobJar.toString(),
                        "--registry",
                        registry.registryDir().toString(),
                        "--dataset",
                        registry.datasetDir().toString(),
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--set",
                        "topic.clicks=cj2-clicks",
                        "--set",
                        "topic.recommendations=cj2-recs",
                        "--set",
                        "topic.dead-letters=cj2-dlq",
                        "--set",
                        "topic.items=cj2-items",
                        "--set",
                        "topic.model-updates=cj2-models",
                        "--set",
                        "group.id=cj2-job",
                        "--set",
                        "transactional-id-prefix=cj2-tx",
                        "--set",
                        "transaction.timeout=1min",
                        "--set",
                        "checkpoint.interval=500ms");
        assertThat(exit).as("missrec run --jobmanager exit code").isZero();
        JobID second = runningJob();
        assertThat(second).isNotEqualTo(first);
        sendClicks("cj2-", items);
        assertEveryClickRecommendedOnce("cj2-", version);
        assertThat(status(second)).isEqualTo(JobStatus.RUNNING);
        assertThat(readLog()).doesNotContain("already loaded in another classloader");
        cancel(second);
    }

    private static List<String> jobArgs(TrainedRegistry registry, String p) {
        return List.of(
                "--registry", registry.registryDir().toString(),
                "--dataset", registry.datasetDir().toString(),
                "--bootstrap.servers", KAFKA.bootstrapServers(),
                "--topic.clicks", p + "clicks",
                "--topic.recommendations", p + "recs",
                "--topic.dead-letters", p + "dlq",
                "--topic.items", p + "items",
                "--topic.model-updates", p + "models",
                "--group.id", p + "job",
                "--transactional-id-prefix", p + "tx",
                "--transaction.timeout", "1min",
                "--checkpoint.interval", "500ms");
    }

    /** What {@code flink run -d} does: runs the jar's main against the cluster, detached. */
    private static JobID submitLikeFlinkRun(List<String> args) throws Exception {
        Configuration conf = clientConfig();
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(DeploymentOptions.ATTACHED, false);
        conf.set(PipelineOptions.JARS, List.of(jobJar.toUri().toURL().toString()));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        // unlike `flink run`'s, this client JVM has the Kafka connector on its class path, which
        // Flink loads parent-first (org.apache.flink.): the program must use the same Kafka client
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        try (PackagedProgram program =
                PackagedProgram.newBuilder()
                        .setJarFile(jobJar.toFile())
                        .setArguments(args.toArray(String[]::new))
                        .setConfiguration(conf)
                        .build()) {
            ClientUtils.executeProgram(
                    new DefaultExecutorServiceLoader(), conf, program, false, false);
        }
        return runningJob();
    }

    private static Configuration clientConfig() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.PORT, restPort);
        return conf;
    }

    /** The one job that is not finished (there is one at a time here). */
    private static JobID runningJob() throws Exception {
        try (RestClusterClient<StandaloneClusterId> client = client()) {
            List<JobID> live = new ArrayList<>();
            for (JobStatusMessage j : client.listJobs().get()) {
                if (!j.getJobState().isGloballyTerminalState()) {
                    live.add(j.getJobId());
                }
            }
            assertThat(live).as("jobs not finished").hasSize(1);
            return live.get(0);
        }
    }

    private static JobStatus status(JobID job) throws Exception {
        try (RestClusterClient<StandaloneClusterId> client = client()) {
            return client.getJobStatus(job).get();
        }
    }

    private static void cancel(JobID job) throws Exception {
        try (RestClusterClient<StandaloneClusterId> client = client()) {
            client.cancel(job).get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!client.getJobStatus(job).get().isGloballyTerminalState()) {
                assertThat(System.nanoTime())
                        .as("job %s cancelled in time", job)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static RestClusterClient<StandaloneClusterId> client() throws Exception {
        return new RestClusterClient<>(clientConfig(), StandaloneClusterId.getInstance());
    }

    private static void createTopics(String p) throws Exception {
        for (String t : List.of("clicks", "recs", "dlq", "items", "models")) {
            KAFKA.createTopic(p + t, t.equals("clicks") || t.equals("recs") ? 2 : 1);
        }
    }

    private static void sendClicks(String p, String[] items) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.newProducer()) {
            for (int u = 0; u < USERS; u++) {
                String user = "user-" + u;
                ClickEvent e =
                        ClickEvent.newBuilder()
                                .setEventId(p + user)
                                .setUserId(user)
                                .setItemId(items[1 + (u % (items.length - 1))])
                                .setEventType(EventType.CLICK)
                                .setEventTime(Instant.parse("2026-11-01T00:00:00Z").plusSeconds(u))
                                .build();
                producer.send(
                                new ProducerRecord<>(
                                        p + "clicks",
                                        user.getBytes(StandardCharsets.UTF_8),
                                        Serdes.clickEvent().serialize(e)))
                        .get();
            }
        }
    }

    private static void assertEveryClickRecommendedOnce(String p, String version) {
        Set<String> triggers = new HashSet<>();
        for (var r :
                KAFKA.readAll(
                        p + "recs",
                        IsolationLevel.READ_COMMITTED,
                        USERS,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(120))) {
            Recommendation rec = Serdes.recommendation().deserialize(r.value());
            assertThat(rec.getModelVersion()).isEqualTo(version);
            assertThat(triggers.add(rec.getTriggerEventId()))
                    .as("one recommendation for %s", rec.getTriggerEventId())
                    .isTrue();
        }
        assertThat(triggers)
                .as(() -> "recommendations on " + p + "recs; the cluster's errors:\n" + causes())
                .hasSize(USERS);
    }

    private static int awaitRestPort(Duration timeout) throws Exception {
        Pattern rest = Pattern.compile("^REST (\\d+)$", Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.exists(clusterLog) ? Files.readString(clusterLog) : "";
            Matcher m = rest.matcher(log);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!cluster.isAlive()) {
                throw new IllegalStateException("the cluster JVM exited:\n" + tail(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the cluster did not serve within " + timeout + ":\n" + tail(readLog()));
    }

    /** The distinct "Caused by" lines of the cluster's log: why its jobs failed, if they did. */
    private static String causes() {
        try {
            return readLog()
                    .lines()
                    .filter(l -> l.startsWith("Caused by"))
                    .distinct()
                    .limit(10)
                    .collect(java.util.stream.Collectors.joining("\n"));
        } catch (IOException e) {
            return "(cannot read " + clusterLog + ": " + e + ")";
        }
    }

    private static String readLog() throws IOException {
        return Files.readString(clusterLog);
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 4000));
    }

    private static String requiredProperty(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(
                    "system property " + name + " is not set (run through Maven failsafe)");
        }
        return v;
    }
}
