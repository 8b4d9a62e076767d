package dev.missrec.jobs.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.deployment.executors.RemoteExecutor;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.runtime.client.JobStatusMessage;

/**
 * The RecommendJob's job jar ({@code flink-jobs-VERSION-job.jar}, built beside the module's own
 * jar) and its submission to a running Flink cluster the way {@code flink run -d} does it: the
 * jar's main method runs here in a user-code class loader built from the jar, and the cluster
 * receives the job graph together with the jar.
 */
final class JobJar {
    private JobJar() {}

    /** The job jar built next to the jar this class was loaded from, or null when run elsewhere. */
    static Path besideCli() {
        try {
            Path self =
                    Path.of(
                            JobJar.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            String name = self.getFileName().toString();
            if (!Files.isRegularFile(self) || !name.endsWith(".jar") || name.endsWith("-job.jar")) {
                return null;
            }
            return self.resolveSibling(
                    name.substring(0, name.length() - ".jar".length()) + "-job.jar");
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /**
     * Runs {@code jar}'s main class with {@code args} against the cluster whose REST endpoint is
     * {@code host:port}, detached.
     *
     * @return the id of the job the program submitted
     */
    static JobID submit(Path jar, List<String> args, String host, int port, int parallelism)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, RemoteExecutor.NAME);
        conf.set(DeploymentOptions.ATTACHED, false);
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, port);
        conf.set(PipelineOptions.JARS, List.of(jar.toUri().toURL().toString()));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        // This JVM already has the jar's classes (the CLI's class path). Child-first, the jar's
        // Kafka client would meet the CLI's Kafka connector, which Flink's parent-first patterns
        // (org.apache.flink.) load from the CLI: a loader constraint violation. The cluster
        // still loads the job child-first from the jar.
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        try (RestClusterClient<StandaloneClusterId> cluster =
                new RestClusterClient<>(conf, StandaloneClusterId.getInstance())) {
            Set<JobID> before = jobIds(cluster);
            PackagedProgram program =
                    PackagedProgram.newBuilder()
                            .setJarFile(jar.toFile())
                            .setArguments(args.toArray(String[]::new))
                            .setConfiguration(conf)
                            .build();
            try {
                ClientUtils.executeProgram(
                        new DefaultExecutorServiceLoader(), conf, program, false, false);
            } finally {
                program.close();
            }
            Set<JobID> added = jobIds(cluster);
            added.removeAll(before);
            if (added.size() != 1) {
                throw new IllegalStateException(
                        "expected the program to submit one job to "
                                + host
                                + ":"
                                + port
                                + ", found "
                                + added);
            }
            return added.iterator().next();
        }
    }

    private static Set<JobID> jobIds(RestClusterClient<?> cluster) throws Exception {
        Set<JobID> ids = new HashSet<>();
        for (JobStatusMessage job : cluster.listJobs().get()) {
            ids.add(job.getJobId());
        }
        return ids;
    }
}
