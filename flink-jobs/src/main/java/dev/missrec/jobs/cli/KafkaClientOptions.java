package dev.missrec.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The Kafka connection options of {@code produce} and {@code consume}. */
public final class KafkaClientOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description =
                    "Kafka client property passed through unchanged (repeatable), e.g. --kafka"
                            + " security.protocol=SSL; overrides the command's own settings")
    Map<String, String> passthrough = new LinkedHashMap<>();

    /** {@code defaults}, then the bootstrap servers, then the passthrough properties on top. */
    Properties clientProperties(Map<String, String> defaults) {
        Properties p = new Properties();
        p.putAll(defaults);
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.putAll(passthrough);
        return p;
    }
}
