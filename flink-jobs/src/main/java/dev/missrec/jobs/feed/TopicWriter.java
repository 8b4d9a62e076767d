package dev.missrec.jobs.feed;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Sends keyed records through a Kafka producer and turns the first failed send — reported by the
 * producer's callback on its I/O thread, or thrown by {@code send} itself — into a {@link
 * FeedSendException} on the sending thread, so a failure stops the feed instead of being logged and
 * lost.
 *
 * <p>Keys are UTF-8 strings (user id or item id, as the topics document); values are already
 * encoded. The caller owns (and closes) the producer.
 */
public final class TopicWriter {
    private final Producer<byte[], byte[]> producer;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private long sent;

    private record Failure(String topic, long acknowledgedBefore, Exception cause) {}

    /** A writer over {@code producer}. */
    public TopicWriter(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * Sends one record asynchronously.
     *
     * @throws FeedSendException if this or an earlier send has failed
     */
    public void send(String topic, String key, byte[] value) {
        throwIfFailed();
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        try {
            producer.send(
                    record,
                    (metadata, exception) -> {
                        if (exception == null) {
                            acknowledged.incrementAndGet();
                        } else {
                            failure.compareAndSet(
                                    null, new Failure(topic, acknowledged.get(), exception));
                        }
                    });
        } catch (KafkaException e) {
            throw new FeedSendException(topic, acknowledged.get(), e);
        }
        sent++;
    }

    /**
     * Waits until every record sent so far is acknowledged.
     *
     * @throws FeedSendException if any send failed
     */
    public void flush() {
        try {
            producer.flush();
        } catch (KafkaException e) {
            throw new FeedSendException("?", acknowledged.get(), e);
        }
        throwIfFailed();
    }

    /** Records handed to the producer. */
    public long sent() {
        return sent;
    }

    /** Records the broker has acknowledged. */
    public long acknowledged() {
        return acknowledged.get();
    }

    private void throwIfFailed() {
        Failure f = failure.get();
        if (f != null) {
            throw new FeedSendException(f.topic(), f.acknowledgedBefore(), f.cause());
        }
    }
}
