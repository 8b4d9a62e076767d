package dev.missrec.schemas.serde;

/**
 * Bytes that cannot be decoded into a topic record, with a machine-readable {@link Reason}.
 *
 * <p>Unchecked on purpose: decoding runs inside Kafka {@code Deserializer}s, Flink functions and
 * lambdas that cannot declare checked exceptions, and the one caller that must react (the job's
 * parse step, which turns it into a {@code DeadLetter} with {@code errorCode = reason().name()})
 * catches it explicitly. No other exception type escapes {@link AvroValueSerde#deserialize}.
 */
public final class RecordDecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the bytes could not be decoded; stable names, used as dead-letter error codes. */
    public enum Reason {
        /** Null or zero-length input (e.g. a Kafka tombstone where a record was expected). */
        EMPTY,
        /** Not single-object encoded: shorter than the 10-byte header or without 0xC3 0x01. */
        BAD_HEADER,
        /** A well-formed header whose schema fingerprint is not a known writer schema. */
        UNKNOWN_SCHEMA,
        /** Known schema but a body that does not decode: truncated, corrupt or trailing bytes. */
        MALFORMED_BODY
    }

    private final Reason reason;

    RecordDecodingException(Reason reason, String message) {
        this(reason, message, null);
    }

    RecordDecodingException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** The machine-readable reason. */
    public Reason reason() {
        return reason;
    }
}
