package dev.missrec.jobs.serde;

import dev.missrec.jobs.event.Click;
import dev.missrec.jobs.event.ParsedClick;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.jobs.function.ClickValidator;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.serde.AvroValueSerde;
import dev.missrec.schemas.serde.RecordDecodingException;
import dev.missrec.schemas.serde.Serdes;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes the clicks topic (Avro single-object encoding) and validates each event. Every record
 * yields exactly one {@link ParsedClick}: a {@link Click}, or a {@link Rejection} carrying the raw
 * bytes and the reason — the source never fails on bad input and never drops a record silently.
 */
public class ClickEventDeserializer implements KafkaRecordDeserializationSchema<ParsedClick> {
    /** A click is a few hundred bytes; anything this large is not one (and would bloat state). */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    private final ClickValidator validator;
    private transient AvroValueSerde<ClickEvent> serde;

    public ClickEventDeserializer(Duration maxFutureSkew) {
        this.validator = new ClickValidator(maxFutureSkew);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedClick> out) {
        if (serde == null) {
            serde = Serdes.clickEvent();
        }
        long now = System.currentTimeMillis();
        if (record.value() != null && record.value().length > MAX_RECORD_BYTES) {
            out.collect(
                    ParsedClick.rejected(
                            reject(
                                    record,
                                    "VALIDATION",
                                    "OVERSIZED",
                                    "record of "
                                            + record.value().length
                                            + " bytes exceeds the "
                                            + MAX_RECORD_BYTES
                                            + "-byte limit for a click")));
            return;
        }
        ClickEvent event;
        try {
            event = serde.deserialize(record.value());
        } catch (RecordDecodingException e) {
            out.collect(
                    ParsedClick.rejected(
                            reject(record, "DESERIALIZATION", e.reason().name(), e.getMessage())));
            return;
        }
        Optional<String> problem = validator.problem(event, record.key(), now);
        if (problem.isPresent()) {
            out.collect(ParsedClick.rejected(reject(record, "VALIDATION", null, problem.get())));
            return;
        }
        Click click =
                new Click(
                        event.getEventId(),
                        event.getUserId(),
                        event.getItemId(),
                        event.getEventType().name(),
                        event.getEventTime().toEpochMilli(),
                        now,
                        record.topic(),
                        record.partition(),
                        record.offset());
        click.rawValue = record.value();
        out.collect(ParsedClick.valid(click));
    }

    private static Rejection reject(
            ConsumerRecord<byte[], byte[]> record, String kind, String code, String message) {
        Rejection r =
                Rejection.of(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value(),
                        kind,
                        code,
                        message,
                        ClickEventDeserializer.class.getSimpleName());
        r.sourceTimestamp = record.timestamp();
        return r;
    }

    @Override
    public TypeInformation<ParsedClick> getProducedType() {
        return TypeInformation.of(ParsedClick.class);
    }
}
