package dev.missrec.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.serde.AvroJsonException.Reason;
import dev.missrec.schemas.serde.TestRecords.Kind;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroJsonTest {

    static Stream<Kind<?>> kinds() {
        return TestRecords.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <T extends SpecificRecord> void shouldRoundTripEveryRecordInBothStyles(Kind<T> kind) {
        for (long seed = 0; seed < 10; seed++) {
            for (T record :
                    java.util.List.of(kind.full().apply(seed), kind.minimal().apply(seed))) {
                String compact = AvroJson.toJson(record);
                String pretty = AvroJson.toJson(record, JsonStyle.PRETTY);

                assertThat(compact).doesNotContain("\n");
                assertThat(pretty).contains("\n");
                assertThat(AvroJson.fromJson(compact, kind.type())).isEqualTo(record);
                assertThat(AvroJson.fromJson(pretty, kind.type())).isEqualTo(record);
            }
        }
    }

    @Test
    void shouldWriteReadableStandardAvroJson() {
        ClickEvent click = TestRecords.fullClick(4);

        String json = AvroJson.toJson(click);

        assertThat(json)
                .contains("\"userId\":\"" + click.getUserId() + "\"")
                .contains("\"eventType\":\"" + click.getEventType() + "\"")
                .contains("\"eventTime\":" + click.getEventTime().toEpochMilli())
                .contains("\"sessionId\":{\"string\":\"" + click.getSessionId() + "\"}");
    }

    @Test
    void shouldNotBeFooledByBracesAndQuotesInsideStrings() {
        ItemFeatures item = TestRecords.minimalItem(2);
        item.setText("odd } text ] with \\\" quotes {\"and\": [json]}");

        assertThat(AvroJson.fromJson(AvroJson.toJson(item), ItemFeatures.class)).isEqualTo(item);
    }

    @Test
    void shouldRejectNullAndBlankTextAsEmpty() {
        assertThat(reasonOf(null)).isEqualTo(Reason.EMPTY);
        assertThat(reasonOf("  \n")).isEqualTo(Reason.EMPTY);
    }

    @Test
    void shouldRejectBrokenJsonAsMalformed() {
        String valid = AvroJson.toJson(TestRecords.fullClick(1));

        assertThat(reasonOf("not json")).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(reasonOf("[1, 2]")).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(reasonOf(valid.substring(0, valid.length() / 2)))
                .isEqualTo(Reason.MALFORMED_JSON);
        assertThat(reasonOf(valid + " trailing")).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(reasonOf(valid + valid)).isEqualTo(Reason.MALFORMED_JSON);
    }

    @Test
    void shouldRejectJsonThatDoesNotFitTheSchemaNamingTheProblem() {
        String valid = AvroJson.toJson(TestRecords.minimalClick(1));

        AvroJsonException missing =
                thrown(() -> AvroJson.fromJson("{\"eventId\":\"e-1\"}", ClickEvent.class));
        assertThat(missing.reason()).isEqualTo(Reason.SCHEMA_MISMATCH);
        assertThat(missing).hasMessageContaining("ClickEvent");

        String wrongType = valid.replaceFirst("\"eventTime\":\\d+", "\"eventTime\":\"yesterday\"");
        assertThat(wrongType).isNotEqualTo(valid);
        assertThat(reasonOf(wrongType)).isEqualTo(Reason.SCHEMA_MISMATCH);

        String unknownSymbol = valid.replace("\"CLICK\"", "\"TELEPORT\"");
        assertThat(unknownSymbol).isNotEqualTo(valid);
        assertThat(reasonOf(unknownSymbol)).isEqualTo(Reason.SCHEMA_MISMATCH);
    }

    @Test
    void shouldRejectANullRecordWithTypedError() {
        assertThatThrownBy(() -> AvroJson.toJson(null)).isInstanceOf(RecordEncodingException.class);
    }

    private static Reason reasonOf(String json) {
        AvroJsonException e = thrown(() -> AvroJson.fromJson(json, ClickEvent.class));
        return e.reason();
    }

    /**
     * The AvroJsonException the call throws; fails the test if it throws nothing or something else.
     */
    private static AvroJsonException thrown(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        AvroJsonException e = catchThrowableOfType(AvroJsonException.class, call);
        assertThat(e).as("expected a AvroJsonException").isNotNull();
        return e;
    }
}
