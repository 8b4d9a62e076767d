package dev.missrec.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker the demo uses, as a real separate process on loopback. */
class LocalKafkaBrokerITCase {

    @TempDir Path home;

    @Test
    void shouldServeProduceAndConsumeThenStopAndRestartOnTheSameData() throws Exception {
        LocalKafkaBroker broker = new LocalKafkaBroker(home);
        try {
            String bootstrap = broker.start(0, 512, Duration.ofSeconds(90));
            long pid = broker.runningProcess().orElseThrow().pid();
            assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
            assertThatThrownBy(() -> broker.start(0, 512, Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("smoke", 1, (short) 1))).all().get();
            }
            produce(bootstrap, 10);
            assertThat(consumeAll(bootstrap, 10)).hasSize(10);

            assertThat(broker.stop(Duration.ofSeconds(30))).isTrue();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(broker.runningProcess()).isEmpty();

            // a restart reuses the formatted storage: the records are still there
            String again = broker.start(0, 512, Duration.ofSeconds(90));
            assertThat(consumeAll(again, 10))
                    .extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(
                            java.util.stream.IntStream.range(0, 10)
                                    .mapToObj(i -> "v" + i)
                                    .toList());
            assertThat(Files.readString(broker.logFile())).contains("Kafka Server started");
        } finally {
            broker.stop(Duration.ofSeconds(30));
        }
        assertThat(broker.runningProcess()).isEmpty();
    }

    private static void produce(String bootstrap, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>("smoke", "k" + i, "v" + i)).get();
            }
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of("smoke"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
