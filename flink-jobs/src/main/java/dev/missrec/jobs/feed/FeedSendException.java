package dev.missrec.jobs.feed;

/**
 * A record the broker did not accept (or that could not be sent at all); the message names the
 * topic and how many records were acknowledged before the failure.
 */
public final class FeedSendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure to send to {@code topic} after {@code acknowledged} acknowledged records. */
    public FeedSendException(String topic, long acknowledged, Throwable cause) {
        super(
                "sending to topic '"
                        + topic
                        + "' failed after "
                        + acknowledged
                        + " acknowledged records: "
                        + describe(cause),
                cause);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
