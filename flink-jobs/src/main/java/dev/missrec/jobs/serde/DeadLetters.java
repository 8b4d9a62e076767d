package dev.missrec.jobs.serde;

import dev.missrec.jobs.event.Rejection;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.ErrorKind;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Converts a job-internal {@link Rejection} into the {@link DeadLetter} record of the topic. */
public final class DeadLetters {
    private DeadLetters() {}

    /** The dead-letter record for {@code r}; an unknown error kind is kept as UNKNOWN + code. */
    public static DeadLetter toAvro(Rejection r) {
        ErrorKind kind;
        String code = r.errorCode;
        try {
            kind = ErrorKind.valueOf(r.errorKind);
        } catch (IllegalArgumentException | NullPointerException e) {
            kind = ErrorKind.UNKNOWN;
            code = r.errorKind + (code == null ? "" : "/" + code);
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(r.sourceTopic)
                .setSourcePartition(r.sourcePartition)
                .setSourceOffset(r.sourceOffset)
                .setSourceTimestamp(
                        r.sourceTimestamp < 0 ? null : Instant.ofEpochMilli(r.sourceTimestamp))
                .setRawKey(r.rawKey == null ? null : ByteBuffer.wrap(r.rawKey))
                .setRawValue(r.rawValue == null ? null : ByteBuffer.wrap(r.rawValue))
                .setErrorKind(kind)
                .setErrorCode(code)
                .setErrorMessage(r.errorMessage == null ? "" : r.errorMessage)
                .setRejectedBy(r.rejectedBy)
                .setErrorTime(Instant.ofEpochMilli(r.errorTime))
                .build();
    }
}
