package dev.missrec.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.event.ParsedClick;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ClickEventDeserializerTest {
    private final ClickEventDeserializer deserializer =
            new ClickEventDeserializer(Duration.ofDays(1));

    private static ClickEvent event(String user, Instant time) {
        return ClickEvent.newBuilder()
                .setEventId("e1")
                .setUserId(user)
                .setItemId("item-9")
                .setEventType(EventType.PURCHASE)
                .setEventTime(time)
                .build();
    }

    private List<ParsedClick> parse(byte[] key, byte[] value) {
        List<ParsedClick> out = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("clicks", 2, 41L, key, value),
                new Collector<>() {
                    @Override
                    public void collect(ParsedClick record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldTurnAValidEventIntoAClickWithItsCoordinates() {
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        byte[] value = Serdes.clickEvent().serialize(event("alice", t));
        List<ParsedClick> out = parse(utf8("alice"), value);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).rejection).isNull();
        assertThat(out.get(0).click.userId).isEqualTo("alice");
        assertThat(out.get(0).click.eventType).isEqualTo("PURCHASE");
        assertThat(out.get(0).click.eventTime).isEqualTo(t.toEpochMilli());
        assertThat(out.get(0).click.sourceOffset).isEqualTo(41L);
        assertThat(out.get(0).click.rawValue).isEqualTo(value);
    }

    @Test
    void shouldRejectGarbageBytesWithTheDecodingReasonAndTheRawBytes() {
        byte[] garbage = {0x13, 0x37, 0x00, 0x42};
        List<ParsedClick> out = parse(utf8("alice"), garbage);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).click).isNull();
        assertThat(out.get(0).rejection.errorKind).isEqualTo("DESERIALIZATION");
        assertThat(out.get(0).rejection.errorCode).isEqualTo("BAD_HEADER");
        assertThat(out.get(0).rejection.rawValue).isEqualTo(garbage);
        assertThat(out.get(0).rejection.sourcePartition).isEqualTo(2);
    }

    @Test
    void shouldRejectAnOversizedRecordWithoutDecodingIt() {
        byte[] huge = new byte[ClickEventDeserializer.MAX_RECORD_BYTES + 1];
        ParsedClick p = parse(utf8("alice"), huge).get(0);
        assertThat(p.rejection.errorCode).isEqualTo("OVERSIZED");
        assertThat(p.rejection.rawValue).hasSize(huge.length);
    }

    @Test
    void shouldRejectAnEmptyValue() {
        assertThat(parse(null, null).get(0).rejection.errorKind).isEqualTo("DESERIALIZATION");
    }

    @Test
    void shouldRejectAnEventWithABlankUserOrAFutureTimeOrAMismatchedKey() {
        Instant now = Instant.now();
        byte[] blankUser = Serdes.clickEvent().serialize(event(" ", now));
        assertThat(parse(null, blankUser).get(0).rejection.errorMessage)
                .contains("userId is empty");

        byte[] future = Serdes.clickEvent().serialize(event("alice", now.plus(Duration.ofDays(3))));
        assertThat(parse(utf8("alice"), future).get(0).rejection.errorKind).isEqualTo("VALIDATION");

        byte[] ok = Serdes.clickEvent().serialize(event("alice", now));
        assertThat(parse(utf8("bob"), ok).get(0).rejection.errorMessage)
                .contains("differs from userId");
    }
}
