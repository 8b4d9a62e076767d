package dev.missrec.schemas.serde;

/**
 * A record that cannot be encoded, typically because a required field is null; the message names
 * the record type and, where Avro reports it, the field.
 */
public final class RecordEncodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
