package dev.missrec.jobs.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka broker in KRaft mode (combined broker + controller), run as a separate {@code
 * java kafka.Kafka} process from the jars on this JVM's class path — no Docker, nothing downloaded.
 * Used by the demo, by {@code missrec kafka start|stop|status} and by multi-process tests.
 *
 * <p>Everything lives in one directory the caller chooses: {@code server.properties}, the log
 * segments under {@code data/}, the broker's own output in {@code broker.log}, its pid in {@code
 * broker.pid} and its bootstrap address in {@code bootstrap.txt}. The broker listens on loopback
 * only.
 */
public final class LocalKafkaBroker {
    private static final String PID_FILE = "broker.pid";
    private static final String BOOTSTRAP_FILE = "bootstrap.txt";
    private static final String LOG_FILE = "broker.log";

    private final Path home;

    /** A broker whose files live under {@code home} (created on start). */
    public LocalKafkaBroker(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /** The directory holding the broker's configuration, data, log and pid. */
    public Path home() {
        return home;
    }

    /** The broker's own output (useful when it fails to start). */
    public Path logFile() {
        return home.resolve(LOG_FILE);
    }

    /**
     * Formats storage (first start only) and starts the broker, waiting until it answers.
     *
     * @param port the client port, or 0 to pick a free one
     * @param heapMb the broker JVM's maximum heap
     * @param timeout how long to wait for the broker to become ready
     * @return the bootstrap address, e.g. {@code localhost:39092}
     * @throws IllegalStateException if a broker from this directory is already running, or the
     *     broker does not become ready in time (its log file is named in the message)
     */
    public String start(int port, int heapMb, Duration timeout)
            throws IOException, InterruptedException {
        Optional<ProcessHandle> running = runningProcess();
        if (running.isPresent()) {
            throw new IllegalStateException(
                    "a broker from "
                            + home
                            + " is already running (pid "
                            + running.get().pid()
                            + ", "
                            + bootstrapServers().orElse("?")
                            + ")");
        }
        Files.createDirectories(home);
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Path config = writeServerProperties(clientPort, controllerPort);

        Path dataDir = home.resolve("data");
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            runToCompletion(
                    List.of(
                            "kafka.tools.StorageTool",
                            "format",
                            "-t",
                            clusterId(),
                            "-c",
                            config.toString(),
                            "--ignore-formatted"),
                    Duration.ofSeconds(60));
        }

        List<String> command = javaCommand(heapMb);
        command.add("-Dlog4j2.configurationFile=" + writeLoggingConfig());
        command.add("kafka.Kafka");
        command.add(config.toString());
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
        String bootstrap = "localhost:" + clientPort;
        Files.writeString(home.resolve(PID_FILE), Long.toString(process.pid()));
        Files.writeString(home.resolve(BOOTSTRAP_FILE), bootstrap);
        try {
            awaitReady(process, bootstrap, timeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            stop(Duration.ofSeconds(10));
            throw e;
        }
        return bootstrap;
    }

    /** The bootstrap address of the broker last started from this directory, if any. */
    public Optional<String> bootstrapServers() {
        Path file = home.resolve(BOOTSTRAP_FILE);
        try {
            return Files.exists(file)
                    ? Optional.of(Files.readString(file).trim())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker process started from this directory, if it is still alive. */
    public Optional<ProcessHandle> runningProcess() {
        Path pidFile = home.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    // a recycled pid belongs to some other program: only a java kafka.Kafka is ours
                    .filter(
                            h ->
                                    h.info()
                                            .arguments()
                                            .map(a -> List.of(a).contains("kafka.Kafka"))
                                            .orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the broker gracefully (SIGTERM, so it closes its logs cleanly), killing it if it has
     * not exited within {@code grace}.
     *
     * @return true if a running broker was stopped, false if none was running
     */
    public boolean stop(Duration grace) throws InterruptedException {
        Optional<ProcessHandle> running = runningProcess();
        boolean stopped = false;
        if (running.isPresent()) {
            ProcessHandle h = running.get();
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException
                    | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
                h.onExit().join();
            }
            stopped = true;
        }
        try {
            Files.deleteIfExists(home.resolve(PID_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stopped;
    }

    private Path writeServerProperties(int clientPort, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://localhost:"
                        + clientPort
                        + ",CONTROLLER://localhost:"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", home.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        Path file = home.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "generated by missrec LocalKafkaBroker; rewritten on every start");
        }
        return file;
    }

    /** Start-up, shutdown and problems go to {@code broker.log}; routine chatter does not. */
    private Path writeLoggingConfig() throws IOException {
        Path file = home.resolve("log4j2-broker.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "rootLogger.level = WARN",
                        "rootLogger.appenderRef.out.ref = OUT",
                        "appender.out.type = Console",
                        "appender.out.name = OUT",
                        "appender.out.layout.type = PatternLayout",
                        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                        "logger.server.name = kafka.server.KafkaRaftServer",
                        "logger.server.level = INFO",
                        ""));
        return file;
    }

    /** The cluster id is kept with the data, so a restart reuses the formatted storage. */
    private String clusterId() throws IOException {
        Path file = home.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        // what `kafka-storage.sh random-uuid` prints
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    private void runToCompletion(List<String> mainAndArgs, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = javaCommand(256);
        command.addAll(mainAndArgs);
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(
                    mainAndArgs.get(0) + " did not finish in " + timeout + "; see " + logFile());
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    mainAndArgs.get(0)
                            + " failed with exit code "
                            + p.exitValue()
                            + "; see "
                            + logFile());
        }
    }

    private static List<String> javaCommand(int heapMb) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heapMb + "m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private void awaitReady(Process process, String bootstrap, Duration timeout)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the broker exited with code "
                                + process.exitValue()
                                + " during start-up; see "
                                + logFile());
            }
            if (portOpen(bootstrap)) {
                try (Admin admin = Admin.create(props)) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException
                        | java.util.concurrent.TimeoutException e) {
                    // not ready yet: the controller may still be electing itself
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the broker did not become ready within " + timeout + "; see " + logFile());
    }

    private static boolean portOpen(String bootstrap) {
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
