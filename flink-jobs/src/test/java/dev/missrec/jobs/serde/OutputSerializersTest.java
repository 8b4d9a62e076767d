package dev.missrec.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.event.Recommended;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The output records' Kafka timestamps: processing time, never the click's event time. A replay of
 * old events (MovieLens ratings from 1996, a stream recorded last month) would otherwise produce
 * records older than the topic's retention, which the broker deletes as soon as their segment rolls
 * — committed recommendations silently vanishing.
 */
class OutputSerializersTest {
    private static final long LAST_YEAR = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

    @Test
    void shouldStampARecommendationWithItsProductionTimeNotItsEventTime() {
        Recommended r = new Recommended();
        r.userId = "u1";
        r.itemIds = new String[] {"a", "b"};
        r.scores = new float[] {2f, 1f};
        r.modelVersion = "v1";
        r.triggerEventId = "e1";
        r.triggerEventTime = LAST_YEAR;
        r.ingestTime = System.currentTimeMillis() - 5;
        r.producedTime = System.currentTimeMillis();
        ProducerRecord<byte[], byte[]> record =
                new RecommendationSerializer("recs").serialize(r, null, LAST_YEAR);
        assertThat(record.timestamp()).isEqualTo(r.producedTime);
        assertThat(record.key()).isEqualTo("u1".getBytes(StandardCharsets.UTF_8));
        Recommendation back = Serdes.recommendation().deserialize(record.value());
        assertThat(back.getTriggerEventTime().toEpochMilli()).isEqualTo(LAST_YEAR);
    }

    @Test
    void shouldStampADeadLetterWithTheTimeOfTheRejection() {
        Rejection r =
                Rejection.of(
                        "clicks",
                        0,
                        7,
                        "k".getBytes(StandardCharsets.UTF_8),
                        new byte[] {1},
                        "LATE_EVENT",
                        null,
                        "too late",
                        "test");
        ProducerRecord<byte[], byte[]> record =
                new DeadLetterSerializer("dlq").serialize(r, null, LAST_YEAR);
        assertThat(record.timestamp()).isEqualTo(r.errorTime).isGreaterThan(LAST_YEAR);
    }
}
