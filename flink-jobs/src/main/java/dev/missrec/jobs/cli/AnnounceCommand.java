package dev.missrec.jobs.cli;

import dev.missrec.model.serve.ModelRegistry;
import dev.missrec.model.serve.RegisteredModel;
import dev.missrec.schemas.ModelUpdate;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code announce}: tells running RecommendJobs to hot-swap to a registry version, by writing a
 * {@code ModelUpdate} (location relative to the registry root + manifest SHA-256) to the
 * model-updates topic. The version is verified before it is announced.
 */
@Command(
        name = "announce",
        mixinStandardHelpOptions = true,
        description =
                "Announce a registry version on the model-updates topic (running jobs swap to it).")
public final class AnnounceCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "VERSION",
            defaultValue = "latest",
            description = "e.g. v000002 (default: latest)")
    String version;

    @Option(
            names = "--registry",
            paramLabel = "DIR",
            defaultValue = "work/registry",
            description = "Model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(
            names = "--topic",
            defaultValue = "model-updates",
            description = "Model-updates topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Mixin KafkaClientOptions kafka = new KafkaClientOptions();

    @Override
    public Integer call() throws Exception {
        ModelRegistry models = ModelRegistry.open(registry);
        RegisteredModel model =
                "latest".equals(version)
                        ? models.latest()
                                .orElseThrow(
                                        () ->
                                                new IllegalArgumentException(
                                                        "the registry " + registry + " is empty"))
                        : models.get(version);
        ModelUpdate update =
                ModelUpdate.newBuilder()
                        .setModelVersion(model.version())
                        .setRegistryLocation(model.version())
                        .setManifestSha256(model.manifestSha256())
                        .setMetrics(Map.copyOf(model.manifest().metrics()))
                        .setCreatedTime(model.manifest().createdAt())
                        .setParentVersion(model.manifest().parentVersion())
                        .build();
        Properties props =
                kafka.clientProperties(
                        Map.of(
                                "key.serializer",
                                ByteArraySerializer.class.getName(),
                                "value.serializer",
                                ByteArraySerializer.class.getName(),
                                "acks",
                                "all",
                                "enable.idempotence",
                                "true"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    model.version().getBytes(StandardCharsets.UTF_8),
                                    Serdes.modelUpdate().serialize(update)))
                    .get(60, TimeUnit.SECONDS);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "announced %s (manifest sha256 %s) on '%s'%n",
                        model.version(), model.manifestSha256(), topic);
        return 0;
    }
}
