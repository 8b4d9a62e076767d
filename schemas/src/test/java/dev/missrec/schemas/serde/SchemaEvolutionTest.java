package dev.missrec.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import dev.missrec.schemas.serde.RecordDecodingException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {
    private static final Instant TIME = Instant.ofEpochMilli(1_700_000_000_123L);

    @Test
    void shouldReadClickWrittenWithOlderSchemaAndFillDefaults() throws IOException {
        Schema v0 = fixture("ClickEvent-v0.avsc");
        GenericRecord old = new GenericData.Record(v0);
        old.put("eventId", "e-1");
        old.put("userId", "u-1");
        old.put("itemId", "i-1");
        old.put(
                "eventType",
                new GenericData.EnumSymbol(v0.getField("eventType").schema(), "RATING"));
        old.put("eventTime", TIME.toEpochMilli());
        old.put("sessionId", "s-1");
        byte[] bytes = encode(v0, old);
        AvroValueSerde<ClickEvent> serde =
                AvroValueSerde.builder(ClickEvent.class).optWriterSchema(v0).build();

        ClickEvent click = serde.deserialize(bytes);

        assertThat(compatibility(ClickEvent.SCHEMA$, v0))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(click.getEventId()).isEqualTo("e-1");
        assertThat(click.getEventType()).isEqualTo(EventType.RATING);
        assertThat(click.getEventTime()).isEqualTo(TIME);
        assertThat(click.getSessionId()).isEqualTo("s-1");
        assertThat(click.getValue()).isNull();
        assertThat(click.getAttributedModelVersion()).isNull();
        assertThat(click.getContext()).isEmpty();
    }

    @Test
    void shouldRejectOlderSchemaDataAsUnknownWhenThatSchemaIsNotRegistered() throws IOException {
        Schema v0 = fixture("ClickEvent-v0.avsc");
        GenericRecord old = new GenericData.Record(v0);
        old.put("eventId", "e-1");
        old.put("userId", "u-1");
        old.put("itemId", "i-1");
        old.put(
                "eventType",
                new GenericData.EnumSymbol(v0.getField("eventType").schema(), "CLICK"));
        old.put("eventTime", TIME.toEpochMilli());
        byte[] bytes = encode(v0, old);

        RecordDecodingException e = thrown(() -> Serdes.clickEvent().deserialize(bytes));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
    }

    @Test
    void shouldReadUnknownEnumSymbolOfNewerWriterAsTheEnumDefault() throws IOException {
        Schema future = fixture("ClickEvent-future.avsc");
        GenericRecord newer = new GenericData.Record(future);
        newer.put("eventId", "e-2");
        newer.put("userId", "u-2");
        newer.put("itemId", "i-2");
        newer.put(
                "eventType",
                new GenericData.EnumSymbol(future.getField("eventType").schema(), "SHARE"));
        newer.put("eventTime", TIME.toEpochMilli());
        newer.put("deviceType", "tv");
        newer.put("attributedModelVersion", "m-7");
        newer.put("context", Map.of("page", "home"));
        AvroValueSerde<ClickEvent> serde =
                AvroValueSerde.builder(ClickEvent.class).optWriterSchema(future).build();

        ClickEvent click = serde.deserialize(encode(future, newer));

        assertThat(compatibility(ClickEvent.SCHEMA$, future))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(click.getEventType()).isEqualTo(EventType.UNKNOWN);
        assertThat(click.getAttributedModelVersion()).isEqualTo("m-7");
        assertThat(click.getValue()).as("removed by the newer writer: default").isNull();
        assertThat(click.getContext()).containsEntry("page", "home");
    }

    @Test
    void shouldReadUnknownItemStatusAsBlockedSoItIsNeverRecommended() throws IOException {
        Schema future = fixture("ItemFeatures-future.avsc");
        GenericRecord newer = new GenericData.Record(future);
        newer.put("itemId", "i-3");
        newer.put(
                "status",
                new GenericData.EnumSymbol(future.getField("status").schema(), "OUT_OF_STOCK"));
        newer.put("updateTime", TIME.toEpochMilli());
        AvroValueSerde<ItemFeatures> serde =
                AvroValueSerde.builder(ItemFeatures.class).optWriterSchema(future).build();

        ItemFeatures item = serde.deserialize(encode(future, newer));

        assertThat(item.getStatus()).isEqualTo(ItemStatus.BLOCKED);
        assertThat(item.getTextEmbedding()).isNull();
        assertThat(item.getImageEmbedding()).isNull();
        assertThat(item.getAttributes()).isEmpty();
    }

    @Test
    void shouldDetectIncompatibleChangeInBothDirections() throws IOException {
        Schema incompatible = fixture("ClickEvent-incompatible.avsc");

        // A new reader with a required field and a changed type cannot read today's data ...
        var asReader =
                SchemaCompatibility.checkReaderWriterCompatibility(
                        incompatible, ClickEvent.SCHEMA$);
        assertThat(asReader.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(asReader.getResult().getIncompatibilities())
                .extracting(i -> i.getType())
                .contains(
                        SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE,
                        SchemaIncompatibilityType.TYPE_MISMATCH);
        // ... and today's reader cannot read data written with it.
        assertThat(compatibility(ClickEvent.SCHEMA$, incompatible))
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void shouldRefuseToRegisterAWriterSchemaTheCurrentSchemaCannotRead() throws IOException {
        Schema incompatible = fixture("ClickEvent-incompatible.avsc");

        assertThatThrownBy(
                        () ->
                                AvroValueSerde.builder(ClickEvent.class)
                                        .optWriterSchema(incompatible)
                                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read data written with ClickEvent extra#1")
                .hasMessageContaining("ClickEvent.itemId: TYPE_MISMATCH");
    }

    @Test
    void shouldDetectRemovedEnumDefaultAsIncompatibleWithNewerWriters() throws IOException {
        Schema future = fixture("ClickEvent-future.avsc");
        // Today's schema without the enum default: a writer's new symbol would become unreadable.
        Schema noEnumDefault =
                new Schema.Parser()
                        .parse(
                                ClickEvent.SCHEMA$
                                        .toString()
                                        .replace(",\"default\":\"UNKNOWN\"", ""));
        assertThat(noEnumDefault.getField("eventType").schema().getEnumDefault()).isNull();

        assertThat(compatibility(noEnumDefault, future))
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(compatibility(ClickEvent.SCHEMA$, future))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    static Schema fixture(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
            assertThat(in).as("test resource /evolution/" + name).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    /** Encodes a record the way a producer built against {@code writer} would. */
    static byte[] encode(Schema writer, GenericRecord record) throws IOException {
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
                .encode(record)
                .array();
    }

    /**
     * The RecordDecodingException the call throws; fails the test if it throws nothing or something
     * else.
     */
    private static RecordDecodingException thrown(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, call);
        assertThat(e).as("expected a RecordDecodingException").isNotNull();
        return e;
    }
}
