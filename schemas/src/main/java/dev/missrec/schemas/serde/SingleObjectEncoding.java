package dev.missrec.schemas.serde;

import dev.missrec.schemas.serde.RecordDecodingException.Reason;

/**
 * Constants and header parsing of Avro single-object encoding: {@code 0xC3 0x01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body.
 */
public final class SingleObjectEncoding {
    /** First header byte. */
    public static final byte MAGIC_0 = (byte) 0xC3;

    /** Second header byte (format version 1). */
    public static final byte MAGIC_1 = (byte) 0x01;

    /** Length of the header: two magic bytes and the fingerprint. */
    public static final int HEADER_LENGTH = 10;

    private SingleObjectEncoding() {}

    /**
     * Reads the writer-schema fingerprint from a single-object-encoded message without decoding the
     * body, e.g. to report which schema wrote a dead-lettered record.
     *
     * @throws RecordDecodingException with reason {@code EMPTY} or {@code BAD_HEADER}
     */
    public static long readFingerprint(byte[] message) {
        if (message == null || message.length == 0) {
            throw new RecordDecodingException(
                    Reason.EMPTY, "no bytes to decode (null or empty value)");
        }
        if (message.length < HEADER_LENGTH) {
            throw new RecordDecodingException(
                    Reason.BAD_HEADER,
                    "message has "
                            + message.length
                            + " bytes, shorter than the "
                            + HEADER_LENGTH
                            + "-byte single-object header");
        }
        if (message[0] != MAGIC_0 || message[1] != MAGIC_1) {
            throw new RecordDecodingException(
                    Reason.BAD_HEADER,
                    String.format(
                            "message starts with 0x%02X 0x%02X, expected the single-object marker"
                                    + " 0xC3 0x01",
                            message[0] & 0xFF, message[1] & 0xFF));
        }
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (message[i] & 0xFFL);
        }
        return fingerprint;
    }

    /** The fingerprint as the 16 hex digits of its little-endian wire bytes, for messages. */
    public static String toHex(long fingerprint) {
        return String.format("%016x", Long.reverseBytes(fingerprint));
    }
}
