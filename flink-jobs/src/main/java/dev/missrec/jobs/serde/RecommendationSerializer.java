package dev.missrec.jobs.serde;

import dev.missrec.jobs.event.Recommended;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.AvroValueSerde;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a {@link Recommended} as a {@code Recommendation} (Avro single-object encoding), keyed by
 * user id so consumers can partition by user.
 */
public class RecommendationSerializer implements KafkaRecordSerializationSchema<Recommended> {
    private final String topic;
    private transient AvroValueSerde<Recommendation> serde;

    public RecommendationSerializer(String topic) {
        this.topic = topic;
    }

    /** The Avro record for {@code r}. */
    public static Recommendation toAvro(Recommended r) {
        List<ScoredItem> items = new ArrayList<>(r.itemIds.length);
        for (int i = 0; i < r.itemIds.length; i++) {
            items.add(new ScoredItem(r.itemIds[i], r.scores[i]));
        }
        return Recommendation.newBuilder()
                .setUserId(r.userId)
                .setItems(items)
                .setModelVersion(r.modelVersion)
                .setTriggerEventId(r.triggerEventId)
                .setTriggerEventTime(Instant.ofEpochMilli(r.triggerEventTime))
                .setProducedTime(Instant.ofEpochMilli(r.producedTime))
                .setInferenceLatencyMicros(r.inferenceMicros)
                .setEndToEndLatencyMillis(r.producedTime - r.ingestTime)
                .build();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Recommended r, KafkaSinkContext context, Long timestamp) {
        if (serde == null) {
            serde = Serdes.recommendation();
        }
        // stamped with when it was produced, not with the click's event time: a replay of old
        // events would otherwise write records the topic's time retention deletes at once
        return new ProducerRecord<>(
                topic,
                null,
                r.producedTime,
                r.userId.getBytes(StandardCharsets.UTF_8),
                serde.serialize(toAvro(r)));
    }
}
