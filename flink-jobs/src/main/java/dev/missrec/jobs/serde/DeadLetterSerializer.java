package dev.missrec.jobs.serde;

import dev.missrec.jobs.event.Rejection;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.serde.AvroValueSerde;
import dev.missrec.schemas.serde.Serdes;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a {@link Rejection} as a {@code DeadLetter}, keyed like the record it rejects. */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<Rejection> {
    private final String topic;
    private transient AvroValueSerde<DeadLetter> serde;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Rejection r, KafkaSinkContext context, Long timestamp) {
        if (serde == null) {
            serde = Serdes.deadLetter();
        }
        // stamped with the rejection time (see RecommendationSerializer: retention)
        return new ProducerRecord<>(
                topic,
                null,
                r.errorTime > 0 ? r.errorTime : System.currentTimeMillis(),
                r.rawKey,
                serde.serialize(DeadLetters.toAvro(r)));
    }
}
