package dev.missrec.it.cluster;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A Flink session cluster (job manager and one task manager with two slots, REST on a free port)
 * configured as the product's deployments are: RocksDB state, and DJL loaded parent-first, since
 * libtorch can be loaded only once per JVM. Run in a JVM whose class path is Flink and DJL only, it
 * prints {@code REST <port>} once it serves and stops when its standard input closes.
 */
public final class FlinkClusterMain {
    private FlinkClusterMain() {}

    /** {@code args[0]}: the checkpoint directory. */
    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL, List.of("ai.djl."));
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, Path.of(args[0]).toUri().toString());
        try (MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(2)
                                .build())) {
            cluster.start();
            System.out.println("REST " + cluster.getRestAddress().get().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the test closes our standard input (or dies)
            }
        }
    }
}
