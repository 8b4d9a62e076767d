package dev.missrec.jobs.event;

import java.util.Objects;

/**
 * A validated click inside the job: the fields of a {@code ClickEvent} the pipeline uses, plus
 * where it came from, so a late event can still be dead-lettered with its Kafka coordinates.
 *
 * <p>A Flink POJO (public fields, no-arg constructor): Flink serializes it without Kryo, and new
 * fields can be added without breaking savepoints.
 */
public class Click {
    public String eventId;
    public String userId;
    public String itemId;

    /** The {@code EventType} symbol, e.g. "CLICK". */
    public String eventType;

    /** Event time, epoch milliseconds. */
    public long eventTime;

    /** Processing time when the job read it, epoch milliseconds (for end-to-end latency). */
    public long ingestTime;

    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    /** The record's value bytes as read, so a click rejected later is dead-lettered losslessly. */
    public byte[] rawValue;

    public Click() {}

    public Click(
            String eventId,
            String userId,
            String itemId,
            String eventType,
            long eventTime,
            long ingestTime,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        this.eventId = eventId;
        this.userId = userId;
        this.itemId = itemId;
        this.eventType = eventType;
        this.eventTime = eventTime;
        this.ingestTime = ingestTime;
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Click c
                && eventTime == c.eventTime
                && ingestTime == c.ingestTime
                && sourcePartition == c.sourcePartition
                && sourceOffset == c.sourceOffset
                && Objects.equals(eventId, c.eventId)
                && Objects.equals(userId, c.userId)
                && Objects.equals(itemId, c.itemId)
                && Objects.equals(eventType, c.eventType)
                && Objects.equals(sourceTopic, c.sourceTopic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, itemId, eventTime, sourceTopic, sourceOffset);
    }

    @Override
    public String toString() {
        return "Click{" + eventId + " " + userId + "->" + itemId + " " + eventType + " @"
                + eventTime + "}";
    }
}
