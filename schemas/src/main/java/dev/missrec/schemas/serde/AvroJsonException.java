package dev.missrec.schemas.serde;

/**
 * Text that cannot be read as Avro JSON of the requested record type, with a machine-readable
 * {@link Reason}. Unchecked for the same reasons as {@link RecordDecodingException}.
 */
public final class AvroJsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the text could not be read. */
    public enum Reason {
        /** Null, empty or blank text. */
        EMPTY,
        /** Not one well-formed JSON object (syntax error, truncated, or content after it). */
        MALFORMED_JSON,
        /**
         * Well-formed JSON that does not match the schema (missing field, wrong type, bad union).
         */
        SCHEMA_MISMATCH
    }

    private final Reason reason;

    AvroJsonException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** The machine-readable reason. */
    public Reason reason() {
        return reason;
    }
}
