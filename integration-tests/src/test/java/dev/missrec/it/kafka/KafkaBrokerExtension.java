package dev.missrec.it.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (KRaft, one combined broker + controller node, random loopback port) for
 * integration tests, started once per test JVM and shared by every test class that registers this
 * extension; it is shut down when the test run ends.
 *
 * <p>Set the environment variable {@code KAFKA_BOOTSTRAP} to run the same tests against an external
 * broker instead (e.g. one started with {@code ./missrec kafka start}).
 *
 * <pre>
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}
 * </pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private String bootstrapServers;

    @Override
    public void beforeAll(ExtensionContext context) {
        String external = System.getenv("KAFKA_BOOTSTRAP");
        if (external != null && !external.isBlank()) {
            bootstrapServers = external;
            return;
        }
        // the root store outlives every test class, so all of them share one broker
        SharedBroker broker =
                context.getRoot()
                        .getStore(NAMESPACE)
                        .getOrComputeIfAbsent(
                                "broker", k -> SharedBroker.start(), SharedBroker.class);
        bootstrapServers = broker.bootstrapServers;
    }

    /** The broker's bootstrap address, e.g. {@code localhost:37455}. */
    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException(
                    "the broker is started in beforeAll; register the extension statically");
        }
        return bootstrapServers;
    }

    /**
     * Creates a topic and waits until the broker serves every partition of it: an idempotent
     * producer that writes before that can have its first batch refused as out of order after a
     * retry, losing the first records of a partition.
     */
    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!allPartitionsLed(admin, name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leader after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    private static boolean allPartitionsLed(Admin admin, String topic) throws Exception {
        try {
            return admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the broker has not caught up with the controller yet
            }
            throw e;
        }
    }

    /** A byte-array producer with idempotence on. */
    public KafkaProducer<byte[], byte[]> newProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                dev.missrec.jobs.kafka.Topics.MAX_IN_FLIGHT_FOR_NEW_TOPICS);
        return new KafkaProducer<>(p);
    }

    /**
     * Reads a topic from the beginning until {@code atLeast} records arrived and then no more
     * arrive for {@code quiet}, or {@code timeout} passed; so a test sees duplicates as well.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(
            String topic, IsolationLevel isolation, int atLeast, Duration quiet, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int before = out.size();
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() > before) {
                    lastArrival = System.nanoTime();
                } else if (out.size() >= atLeast
                        && System.nanoTime() - lastArrival > quiet.toNanos()) {
                    break;
                }
            }
        }
        return out;
    }

    /** The in-JVM KRaft cluster, closed by JUnit when the root context closes. */
    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource {
        private final KafkaClusterTestKit cluster;
        private final String bootstrapServers;

        private SharedBroker(KafkaClusterTestKit cluster) {
            this.cluster = cluster;
            this.bootstrapServers = cluster.bootstrapServers();
        }

        static SharedBroker start() {
            try {
                KafkaClusterTestKit cluster =
                        new KafkaClusterTestKit.Builder(
                                        new TestKitNodes.Builder()
                                                .setCombined(true)
                                                .setNumBrokerNodes(1)
                                                .setNumControllerNodes(1)
                                                .build())
                                .setConfigProp("offsets.topic.replication.factor", "1")
                                .setConfigProp("transaction.state.log.replication.factor", "1")
                                .setConfigProp("transaction.state.log.min.isr", "1")
                                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                                .build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                return new SharedBroker(cluster);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the in-JVM Kafka broker", e);
            }
        }

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }
}
