package dev.missrec.jobs.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record the job could not use, with the reason: it becomes a {@code DeadLetter} on the
 * dead-letter topic. Kept as a Flink POJO inside the job; Avro is used only at the Kafka edge.
 */
public class Rejection {
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    /** Kafka record timestamp, or -1 when unknown. */
    public long sourceTimestamp = -1;

    public byte[] rawKey;
    public byte[] rawValue;

    /** An {@code ErrorKind} symbol, e.g. "DESERIALIZATION" or "LATE_EVENT". */
    public String errorKind;

    /**
     * A finer machine-readable reason, e.g. a decoding reason such as "BAD_HEADER"; may be null.
     */
    public String errorCode;

    public String errorMessage;

    /** The operator that rejected it. */
    public String rejectedBy;

    public long errorTime;

    public Rejection() {}

    /** A rejection of a record read from {@code topic}/{@code partition}/{@code offset}. */
    public static Rejection of(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String errorKind,
            String errorCode,
            String message,
            String rejectedBy) {
        Rejection r = new Rejection();
        r.sourceTopic = topic;
        r.sourcePartition = partition;
        r.sourceOffset = offset;
        r.rawKey = key;
        r.rawValue = value;
        r.errorKind = errorKind;
        r.errorCode = errorCode;
        r.errorMessage = message;
        r.rejectedBy = rejectedBy;
        r.errorTime = System.currentTimeMillis();
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rejection r
                && sourcePartition == r.sourcePartition
                && sourceOffset == r.sourceOffset
                && Objects.equals(sourceTopic, r.sourceTopic)
                && Arrays.equals(rawKey, r.rawKey)
                && Arrays.equals(rawValue, r.rawValue)
                && Objects.equals(errorKind, r.errorKind)
                && Objects.equals(errorCode, r.errorCode)
                && Objects.equals(errorMessage, r.errorMessage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceTopic, sourcePartition, sourceOffset, errorKind);
    }

    @Override
    public String toString() {
        return "Rejection{"
                + errorKind
                + "/"
                + errorCode
                + " "
                + sourceTopic
                + "-"
                + sourcePartition
                + "@"
                + sourceOffset
                + ": "
                + errorMessage
                + "}";
    }
}
