package dev.missrec.jobs.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every setting of {@link RecommendJob}, typed, with its default, filled from {@code --key value}
 * arguments or a flat map (e.g. Flink's configuration). Keys starting with {@code kafka.} are
 * passed to the Kafka clients without the prefix (SASL, SSL, timeouts...).
 *
 * @param bootstrapServers Kafka bootstrap servers ({@code bootstrap.servers}, required)
 * @param clicksTopic input clicks ({@code topic.clicks}, default "clicks")
 * @param recommendationsTopic output ({@code topic.recommendations}, default "recommendations")
 * @param deadLetterTopic rejected input ({@code topic.dead-letters}, default "dead-letters")
 * @param itemsTopic item status changes ({@code topic.items}, default "items")
 * @param modelUpdatesTopic model versions to hot-swap in ({@code topic.model-updates}, default
 *     "model-updates")
 * @param groupId consumer group ({@code group.id}, default "missrec-recommend")
 * @param k items per recommendation ({@code k}, default 10)
 * @param maxSequenceLength L, items kept per user ({@code sequence.max-length}, default 50)
 * @param batchSize inference batch size ({@code inference.batch-size}, default 32)
 * @param batchDeadline how long a request may wait for others to join its batch while the model is
 *     idle ({@code inference.batch-deadline}; default 0ms with overlap: work-conserving, a request
 *     is scored at once when the model is idle and those arriving during a call form the next
 *     batch, as Triton's dynamic batcher does by default; 10ms without overlap, where 0 would score
 *     every request alone)
 * @param overlapInference run the model call on its own thread while the task thread gathers the
 *     next batch ({@code inference.overlap}, default true; false: the task thread waits for it)
 * @param stateTtl idle users' sequences expire after ({@code state.ttl}, default 30d; 0 = never)
 * @param allowedLateness out-of-order tolerance ({@code lateness}, default 1min)
 * @param outOfOrderness watermark bound ({@code watermark.out-of-orderness}, default 5s)
 * @param minRecomputeInterval at most one recommendation per user per interval ({@code
 *     recompute.min-interval}, default 0 = every click)
 * @param triggerEventTypes event types that trigger a recommendation ({@code
 *     recompute.event-types}, comma-separated, default all)
 * @param checkpointInterval ({@code checkpoint.interval}, default 10s)
 * @param bufferTimeout longest a record waits in a network buffer between operators ({@code
 *     network.buffer-timeout}, default 5ms; Flink's own default, 100ms, would dominate latency)
 * @param deliveryGuarantee ({@code delivery}, EXACTLY_ONCE (default) or AT_LEAST_ONCE)
 * @param transactionalIdPrefix ({@code transactional-id-prefix}, default "missrec-recommend")
 * @param transactionTimeout must not exceed the broker's {@code transaction.max.timeout.ms} ({@code
 *     transaction.timeout}, default 5min)
 * @param kafkaProperties client properties from {@code kafka.*} keys
 */
public record RecommendJobOptions(
        String bootstrapServers,
        String clicksTopic,
        String recommendationsTopic,
        String deadLetterTopic,
        String itemsTopic,
        String modelUpdatesTopic,
        String groupId,
        int k,
        int maxSequenceLength,
        int batchSize,
        Duration batchDeadline,
        boolean overlapInference,
        Duration stateTtl,
        Duration allowedLateness,
        Duration outOfOrderness,
        Duration minRecomputeInterval,
        Set<String> triggerEventTypes,
        Duration checkpointInterval,
        Duration bufferTimeout,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Map<String, String> kafkaProperties)
        implements Serializable {

    public RecommendJobOptions {
        require(
                bootstrapServers != null && !bootstrapServers.isBlank(),
                "bootstrap.servers is required");
        require(k > 0, "k must be positive");
        require(maxSequenceLength > 0, "sequence.max-length must be positive");
        require(batchSize > 0, "inference.batch-size must be positive");
        require(
                deliveryGuarantee != DeliveryGuarantee.NONE,
                "delivery must be EXACTLY_ONCE or AT_LEAST_ONCE");
        triggerEventTypes = Set.copyOf(triggerEventTypes);
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Parses {@code --key value} pairs. */
    public static RecommendJobOptions fromArgs(String... args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (!key.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "expected --key value pairs, got: " + Arrays.toString(args));
            }
            map.put(key.substring(2), args[++i]);
        }
        return fromMap(map);
    }

    /** Reads the options from a flat key/value map; unknown keys are an error (typos fail fast). */
    public static RecommendJobOptions fromMap(Map<String, String> raw) {
        Map<String, String> m = new HashMap<>(raw);
        Map<String, String> kafka = new HashMap<>();
        for (String key : Set.copyOf(m.keySet())) {
            if (key.startsWith("kafka.")) {
                kafka.put(key.substring("kafka.".length()), m.remove(key));
            }
        }
        boolean overlap = bool(take(m, "inference.overlap", "true"));
        RecommendJobOptions o =
                new RecommendJobOptions(
                        m.remove("bootstrap.servers"),
                        take(m, "topic.clicks", "clicks"),
                        take(m, "topic.recommendations", "recommendations"),
                        take(m, "topic.dead-letters", "dead-letters"),
                        take(m, "topic.items", "items"),
                        take(m, "topic.model-updates", "model-updates"),
                        take(m, "group.id", "missrec-recommend"),
                        Integer.parseInt(take(m, "k", "10")),
                        Integer.parseInt(take(m, "sequence.max-length", "50")),
                        Integer.parseInt(take(m, "inference.batch-size", "32")),
                        duration(take(m, "inference.batch-deadline", overlap ? "0ms" : "10ms")),
                        overlap,
                        duration(take(m, "state.ttl", "30d")),
                        duration(take(m, "lateness", "1min")),
                        duration(take(m, "watermark.out-of-orderness", "5s")),
                        duration(take(m, "recompute.min-interval", "0ms")),
                        Arrays.stream(take(m, "recompute.event-types", "").split(","))
                                .map(String::trim)
                                .filter(s -> !s.isEmpty())
                                .collect(Collectors.toSet()),
                        duration(take(m, "checkpoint.interval", "10s")),
                        duration(take(m, "network.buffer-timeout", "5ms")),
                        DeliveryGuarantee.valueOf(take(m, "delivery", "EXACTLY_ONCE")),
                        take(m, "transactional-id-prefix", "missrec-recommend"),
                        duration(take(m, "transaction.timeout", "5min")),
                        kafka);
        if (!m.isEmpty()) {
            throw new IllegalArgumentException("unknown options: " + m.keySet());
        }
        return o;
    }

    /** Kafka client properties: bootstrap servers plus every {@code kafka.*} pass-through. */
    public Properties kafkaClientProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    private static String take(Map<String, String> m, String key, String dflt) {
        String v = m.remove(key);
        return v == null ? dflt : v;
    }

    private static boolean bool(String text) {
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("expected true or false, got " + text);
        }
        return Boolean.parseBoolean(text);
    }

    /** Parses "10ms", "5s", "1min", "2h", "30d" (Flink's duration syntax). */
    static Duration duration(String text) {
        return org.apache.flink.util.TimeUtils.parseDuration(text);
    }
}
