package dev.missrec.jobs.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the product's topics on a broker. */
public final class Topics {
    /** The topics RecommendJob reads and writes, by their default names. */
    public static final List<String> PRODUCT_TOPICS =
            List.of("clicks", "items", "recommendations", "dead-letters", "model-updates");

    /**
     * {@code max.in.flight.requests.per.connection} for producers that may write to a partition
     * created moments ago. With more than one request in flight, a Kafka 4.2 broker can store an
     * idempotent producer's second batch before its first (the first reached the partition before
     * the broker had applied its creation and is retried) and then refuse the first forever as out
     * of order, so its records are lost when the delivery timeout expires (KAFKA-15591; seen in
     * {@code bench pipeline}: 277 of 10,000 clicks).
     */
    public static final String MAX_IN_FLIGHT_FOR_NEW_TOPICS = "1";

    private Topics() {}

    /** Creates the missing product topics; returns those it created. */
    public static List<String> createProductTopics(String bootstrap, int partitions)
            throws Exception {
        return create(bootstrap, PRODUCT_TOPICS, partitions);
    }

    /**
     * Creates the missing ones of {@code names} (replication 1, for a local broker); {@code items}
     * and {@code model-updates} are compacted. Returns those it created.
     */
    public static List<String> create(String bootstrap, List<String> names, int partitions)
            throws Exception {
        List<String> wanted = names.stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
        if (wanted.isEmpty()) {
            return List.of();
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : wanted) {
                if (!existing.contains(name)) {
                    NewTopic topic = new NewTopic(name, partitions, (short) 1);
                    if (name.equals("items") || name.equals("model-updates")) {
                        // latest state per key: a restarted job re-reads the whole catalog
                        topic.configs(Map.of("cleanup.policy", "compact"));
                    }
                    missing.add(topic);
                }
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            return missing.stream().map(NewTopic::name).toList();
        }
    }
}
