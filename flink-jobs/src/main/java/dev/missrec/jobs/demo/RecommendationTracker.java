package dev.missrec.jobs.demo;

import dev.missrec.jobs.kafka.Consumers;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads what the job committed — recommendations and dead letters, {@code read_committed}, as a
 * consumer of the product would — on a background thread and keeps the demo's running numbers.
 */
final class RecommendationTracker implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String recommendationsTopic;
    private final Set<String> newItems;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private long recommendations;
    private long duplicates;
    private long deadLetters;
    private final Map<String, Long> deadLettersByKind = new TreeMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private final Set<String> versions = new LinkedHashSet<>();
    private final Set<String> triggers = new HashSet<>();
    private long withNewItems;
    private final Set<String> newItemsSeen = new LinkedHashSet<>();
    private final Map<String, Recommendation> latestByUser = new LinkedHashMap<>();
    private Recommendation latestWithNewItem;

    RecommendationTracker(
            String bootstrap,
            String recommendationsTopic,
            String deadLetterTopic,
            Set<String> newItems) {
        consumer =
                new KafkaConsumer<>(
                        Consumers.readCommittedFromStart(
                                bootstrap, "missrec-demo-view-" + System.nanoTime()));
        consumer.subscribe(List.of(recommendationsTopic, deadLetterTopic));
        this.recommendationsTopic = recommendationsTopic;
        this.newItems = Set.copyOf(newItems);
        thread = new Thread(this::poll, "demo-recommendation-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(recommendationsTopic)) {
                        add(Serdes.recommendation().deserialize(r.value()));
                    } else {
                        add(Serdes.deadLetter().deserialize(r.value()));
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private synchronized void add(Recommendation r) {
        if (!triggers.add(r.getTriggerEventId())) {
            duplicates++;
            return;
        }
        recommendations++;
        versions.add(r.getModelVersion());
        if (r.getEndToEndLatencyMillis() != null) {
            latencies.add(r.getEndToEndLatencyMillis());
        }
        boolean fresh = false;
        for (ScoredItem i : r.getItems()) {
            if (newItems.contains(i.getItemId())) {
                newItemsSeen.add(i.getItemId());
                fresh = true;
            }
        }
        if (fresh) {
            withNewItems++;
            latestWithNewItem = r;
        }
        latestByUser.remove(r.getUserId());
        latestByUser.put(r.getUserId(), r);
        if (latestByUser.size() > 64) {
            latestByUser.remove(latestByUser.keySet().iterator().next());
        }
    }

    private synchronized void add(DeadLetter d) {
        deadLetters++;
        deadLettersByKind.merge(
                d.getErrorKind().name() + (d.getErrorCode() == null ? "" : "/" + d.getErrorCode()),
                1L,
                Long::sum);
    }

    /** The numbers so far. */
    synchronized Snapshot snapshot() {
        if (failure != null) {
            throw new IllegalStateException("reading the recommendations failed", failure);
        }
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        List<Recommendation> recent = new ArrayList<>(latestByUser.values());
        return new Snapshot(
                recommendations,
                duplicates,
                deadLetters,
                Map.copyOf(deadLettersByKind),
                percentile(sorted, 50),
                percentile(sorted, 99),
                List.copyOf(versions),
                withNewItems,
                List.copyOf(newItemsSeen),
                recent.subList(Math.max(0, recent.size() - 3), recent.size()),
                latestWithNewItem);
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** What the tracker has seen. */
    record Snapshot(
            long recommendations,
            long duplicates,
            long deadLetters,
            Map<String, Long> deadLettersByKind,
            long p50Millis,
            long p99Millis,
            List<String> modelVersions,
            long withNewItems,
            List<String> newItemsRecommended,
            List<Recommendation> recent,
            Recommendation latestWithNewItem) {}

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
