package dev.missrec.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TopicWriterTest {

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(
                autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void shouldSendUtf8KeysAndCountAcknowledgements() {
        MockProducer<byte[], byte[]> producer = producer(true);
        TopicWriter writer = new TopicWriter(producer);
        writer.send("clicks", "ü1", new byte[] {1});
        writer.send("clicks", "u2", new byte[] {2});
        writer.flush();

        assertThat(writer.sent()).isEqualTo(2);
        assertThat(writer.acknowledged()).isEqualTo(2);
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("ü1");
        assertThat(producer.history().get(1).value()).containsExactly(2);
    }

    @Test
    void shouldFailTheNextSendAfterTheBrokerRejectedARecord() {
        MockProducer<byte[], byte[]> producer = producer(false);
        TopicWriter writer = new TopicWriter(producer);
        writer.send("clicks", "u1", new byte[] {1});
        writer.send("clicks", "u2", new byte[] {2});
        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("the record is too large"));

        assertThatThrownBy(() -> writer.send("clicks", "u3", new byte[] {3}))
                .isInstanceOf(FeedSendException.class)
                .hasMessageContaining("topic 'clicks'")
                .hasMessageContaining("after 1 acknowledged")
                .hasMessageContaining("RecordTooLargeException: the record is too large");
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void shouldFailOnFlushWhenTheLastRecordWasRejected() {
        MockProducer<byte[], byte[]> producer = producer(false);
        TopicWriter writer = new TopicWriter(producer);
        writer.send("items", "i1", new byte[] {1});
        producer.errorNext(new TimeoutException("expired"));

        assertThatThrownBy(writer::flush)
                .isInstanceOf(FeedSendException.class)
                .hasMessageContaining("topic 'items'")
                .hasMessageContaining("TimeoutException: expired");
    }

    @Test
    void shouldWrapAnExceptionThrownBySendItself() {
        MockProducer<byte[], byte[]> producer = producer(true);
        producer.sendException = new org.apache.kafka.common.KafkaException("closed");
        TopicWriter writer = new TopicWriter(producer);
        assertThatThrownBy(() -> writer.send("clicks", "u1", new byte[] {1}))
                .isInstanceOf(FeedSendException.class)
                .hasMessageContaining("closed");
    }
}
