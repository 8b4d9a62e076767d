package dev.missrec.jobs.function;

import dev.missrec.schemas.ClickEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The rules a decoded {@link ClickEvent} must pass before it may change a user's sequence. Plain
 * Java, so the rules are tested without Flink.
 */
public final class ClickValidator implements Serializable {
    /** Ids longer than this are refused: they would bloat keyed state and are surely not ids. */
    public static final int MAX_ID_LENGTH = 256;

    private final Duration maxFutureSkew;

    /**
     * @param maxFutureSkew how far in the future (by this machine's clock) an event time may be
     */
    public ClickValidator(Duration maxFutureSkew) {
        this.maxFutureSkew = maxFutureSkew;
    }

    /**
     * The first problem found with {@code event} read with Kafka key {@code key}, or empty if it is
     * valid.
     */
    public Optional<String> problem(ClickEvent event, byte[] key, long nowMillis) {
        String id = idProblem("eventId", event.getEventId());
        if (id == null) {
            id = idProblem("userId", event.getUserId());
        }
        if (id == null) {
            id = idProblem("itemId", event.getItemId());
        }
        if (id != null) {
            return Optional.of(id);
        }
        long t = event.getEventTime().toEpochMilli();
        if (t <= 0) {
            return Optional.of("eventTime " + t + " is not after the epoch");
        }
        if (t > nowMillis + maxFutureSkew.toMillis()) {
            return Optional.of(
                    "eventTime "
                            + event.getEventTime()
                            + " is more than "
                            + maxFutureSkew
                            + " in the future");
        }
        // the key decides the partition: a mismatch would put a user's events in two partitions
        if (key != null
                && !Arrays.equals(key, event.getUserId().getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(
                    "record key '"
                            + new String(key, StandardCharsets.UTF_8)
                            + "' differs from userId '"
                            + event.getUserId()
                            + "'");
        }
        return Optional.empty();
    }

    private static String idProblem(String field, String value) {
        if (value == null || value.isBlank()) {
            return field + " is empty";
        }
        if (value.length() > MAX_ID_LENGTH) {
            return field + " is longer than " + MAX_ID_LENGTH + " characters";
        }
        return null;
    }
}
