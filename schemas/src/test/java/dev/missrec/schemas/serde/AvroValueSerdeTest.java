package dev.missrec.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.serde.RecordDecodingException.Reason;
import dev.missrec.schemas.serde.TestRecords.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroValueSerdeTest {

    static Stream<Kind<?>> kinds() {
        return TestRecords.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <T extends SpecificRecord> void shouldRoundTripWithAllOptionalFieldsSet(Kind<T> kind) {
        for (long seed = 0; seed < 20; seed++) {
            T record = kind.full().apply(seed);
            assertThat(kind.serde().deserialize(kind.serde().serialize(record))).isEqualTo(record);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <T extends SpecificRecord> void shouldRoundTripWithOptionalFieldsUnset(Kind<T> kind) {
        for (long seed = 0; seed < 20; seed++) {
            T record = kind.minimal().apply(seed);
            T back = kind.serde().deserialize(kind.serde().serialize(record));
            assertThat(back).isEqualTo(record);
            for (Schema.Field field : record.getSchema().getFields()) {
                if (field.hasDefaultValue()) {
                    assertThat(back.get(field.pos()))
                            .as(kind + "." + field.name() + " holds its default")
                            .isEqualTo(record.get(field.pos()));
                }
            }
        }
    }

    @Test
    void shouldFillDefaultsOfUnsetOptionalClickFields() {
        ClickEvent back =
                Serdes.clickEvent()
                        .deserialize(Serdes.clickEvent().serialize(TestRecords.minimalClick(7)));

        assertThat(back.getSessionId()).isNull();
        assertThat(back.getValue()).isNull();
        assertThat(back.getAttributedModelVersion()).isNull();
        assertThat(back.getContext()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <T extends SpecificRecord> void shouldWriteSingleObjectHeaderWithCurrentSchemaFingerprint(
            Kind<T> kind) {
        byte[] bytes = kind.serde().serialize(kind.full().apply(1));

        long expected = SchemaNormalization.parsingFingerprint64(kind.serde().schema());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(expected);
        assertThat(SingleObjectEncoding.readFingerprint(bytes)).isEqualTo(expected);
    }

    @Test
    void shouldInteroperateWithAvrosOwnSingleObjectCodec() throws IOException {
        ClickEvent click = TestRecords.fullClick(3);

        // Other producers/consumers use Avro's standard codec: the bytes must be identical.
        assertThat(Serdes.clickEvent().serialize(click))
                .isEqualTo(ClickEvent.getEncoder().encode(click).array());
        assertThat(ClickEvent.getDecoder().decode(Serdes.clickEvent().serialize(click)))
                .isEqualTo(click);
    }

    @Test
    void shouldRejectNullAndEmptyInputAsEmpty() {
        assertReason(() -> Serdes.clickEvent().deserialize(null), Reason.EMPTY);
        assertReason(() -> Serdes.clickEvent().deserialize(new byte[0]), Reason.EMPTY);
    }

    @Test
    void shouldRejectShortOrUnmarkedInputAsBadHeader() {
        byte[] valid = Serdes.clickEvent().serialize(TestRecords.fullClick(1));

        assertReason(
                () -> Serdes.clickEvent().deserialize(Arrays.copyOf(valid, 9)), Reason.BAD_HEADER);
        assertReason(() -> Serdes.clickEvent().deserialize(new byte[] {1}), Reason.BAD_HEADER);
        byte[] plainJson = "{\"userId\":\"u-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(reasonOf(() -> Serdes.clickEvent().deserialize(plainJson)))
                .isEqualTo(Reason.BAD_HEADER);
        byte[] wrongVersion = valid.clone();
        wrongVersion[1] = 0x02;
        RecordDecodingException e = thrown(() -> Serdes.clickEvent().deserialize(wrongVersion));
        assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
        assertThat(e).hasMessageContaining("0xC3 0x02");
    }

    @Test
    void shouldRejectAnotherRecordTypeAsUnknownSchemaNamingTheFingerprint() {
        byte[] click = Serdes.clickEvent().serialize(TestRecords.fullClick(1));

        RecordDecodingException e = thrown(() -> Serdes.recommendation().deserialize(click));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
        assertThat(e)
                .hasMessageContaining(
                        SingleObjectEncoding.toHex(
                                SchemaNormalization.parsingFingerprint64(ClickEvent.SCHEMA$)))
                .hasMessageContaining("Recommendation v1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <T extends SpecificRecord> void shouldRejectEveryTruncationAsMalformedBody(Kind<T> kind) {
        byte[] valid = kind.serde().serialize(kind.full().apply(5));

        // Avro binary is self-delimiting, so no strict prefix of a record is a record. Every cut
        // in the first 300 bytes (all fields of small records), then a sample of long vectors.
        for (int length = SingleObjectEncoding.HEADER_LENGTH;
                length < valid.length;
                length += length < 300 ? 1 : 13) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThat(reasonOf(() -> kind.serde().deserialize(truncated)))
                    .as("%s cut to %d of %d bytes", kind, length, valid.length)
                    .isEqualTo(Reason.MALFORMED_BODY);
        }
    }

    @Test
    void shouldRejectTrailingBytesAsMalformedBody() {
        byte[] valid = Serdes.clickEvent().serialize(TestRecords.fullClick(1));
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);

        RecordDecodingException e = thrown(() -> Serdes.clickEvent().deserialize(longer));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BODY);
        assertThat(e).hasMessageContaining("3 trailing bytes");
    }

    @Test
    void shouldRejectHugeArrayCountWithoutAllocatingIt() throws IOException {
        // A 30-byte message claiming a 10^9-float text embedding: plain Avro would try to allocate
        // 4 GB and die with OutOfMemoryError.
        byte[] poisoned =
                message(
                        ItemFeatures.SCHEMA$,
                        out -> {
                            out.writeString("i-1"); // itemId
                            out.writeEnum(0); // status
                            out.writeIndex(0); // text: null
                            out.writeIndex(1); // textEmbedding: array
                            out.writeArrayStart();
                            out.setItemCount(1_000_000_000L);
                            out.startItem();
                            out.writeFloat(1f);
                        });

        RecordDecodingException e = thrown(() -> Serdes.itemFeatures().deserialize(poisoned));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BODY);
        assertThat(e)
                .hasMessageContaining("ItemFeatures.textEmbedding")
                .hasMessageContaining("1000000000 items");
    }

    @Test
    void shouldRejectOutOfRangeEnumIndexNamingTheField() throws IOException {
        byte[] bad =
                message(
                        ClickEvent.SCHEMA$,
                        out -> {
                            out.writeString("e-1");
                            out.writeString("u-1");
                            out.writeString("i-1");
                            out.writeEnum(99); // eventType
                        });

        RecordDecodingException e = thrown(() -> Serdes.clickEvent().deserialize(bad));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BODY);
        assertThat(e).hasMessageContaining("ClickEvent.eventType").hasMessageContaining("99");
    }

    @Test
    void shouldRejectInvalidUtf8NamingTheField() throws IOException {
        byte[] bad =
                message(
                        ClickEvent.SCHEMA$,
                        out -> {
                            out.writeString("e-1");
                            out.writeBytes(new byte[] {'u', (byte) 0xFF, (byte) 0xFE});
                        });

        RecordDecodingException e = thrown(() -> Serdes.clickEvent().deserialize(bad));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BODY);
        assertThat(e).hasMessageContaining("ClickEvent.userId").hasMessageContaining("UTF-8");
    }

    @Test
    void shouldRejectBadUnionBranchNamingTheField() throws IOException {
        byte[] bad =
                message(
                        Recommendation.SCHEMA$,
                        out -> {
                            out.writeString("u-1");
                            out.writeArrayStart();
                            out.setItemCount(1);
                            out.startItem();
                            out.writeString("i-1");
                            out.writeFloat(0.5f);
                            out.writeArrayEnd();
                            out.writeString("m-1");
                            out.writeString("e-1");
                            out.writeLong(1L);
                            out.writeLong(2L);
                            out.writeIndex(7); // inferenceLatencyMicros: ["null", "long"]
                        });

        RecordDecodingException e = thrown(() -> Serdes.recommendation().deserialize(bad));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BODY);
        assertThat(e).hasMessageContaining("Recommendation.inferenceLatencyMicros");
    }

    @Test
    void shouldAcceptBlockEncodedArraysThatOtherWritersMayProduce() throws IOException {
        // Avro writers may split arrays into blocks with byte sizes (negative counts).
        byte[] blocked =
                message(
                        Recommendation.SCHEMA$,
                        out -> {
                            out.writeString("u-1");
                            out.writeLong(-2); // a block of 2 items ...
                            out.writeLong(2 * (4 + 4)); // ... of 16 bytes
                            out.writeString("i-1");
                            out.writeFloat(0.9f);
                            out.writeString("i-2");
                            out.writeFloat(0.8f);
                            out.writeLong(1);
                            out.writeString("i-3");
                            out.writeFloat(0.7f);
                            out.writeLong(0);
                            out.writeString("m-1");
                            out.writeString("e-1");
                            out.writeLong(1L);
                            out.writeLong(2L);
                            out.writeIndex(0);
                            out.writeIndex(0);
                        });

        Recommendation back = Serdes.recommendation().deserialize(blocked);

        assertThat(back.getItems())
                .extracting(item -> item.getItemId())
                .containsExactly("i-1", "i-2", "i-3");
    }

    @Test
    void shouldLetOnlyTheTypedExceptionEscapeForRandomBytes() {
        java.util.Random random = new java.util.Random(42);
        List<Kind<?>> kinds = TestRecords.kinds().toList();
        List<List<byte[]>> validMessages = new ArrayList<>();
        for (Kind<?> kind : kinds) {
            List<byte[]> messages = new ArrayList<>();
            for (long seed = 0; seed < 16; seed++) {
                messages.add(validMessage(kind, seed));
            }
            validMessages.add(messages);
        }
        Map<Reason, Integer> seen = new java.util.EnumMap<>(Reason.class);
        int decoded = 0;
        for (int trial = 0; trial < 30_000; trial++) {
            int k = trial % kinds.size();
            Kind<?> kind = kinds.get(k);
            byte[] input =
                    switch (trial % 3) {
                        case 0 -> randomBytes(random, random.nextInt(64));
                        case 1 -> withValidHeader(kind, randomBytes(random, random.nextInt(200)));
                        default -> mutate(random, validMessages.get(k).get(random.nextInt(16)));
                    };
            try {
                kind.serde().deserialize(input);
                decoded++;
            } catch (RecordDecodingException e) {
                seen.merge(e.reason(), 1, Integer::sum);
                assertThat(e.getMessage()).startsWith(e.reason().name() + ": ");
            } catch (RuntimeException | Error e) {
                throw new AssertionError(
                        "trial "
                                + trial
                                + ", "
                                + kind
                                + ", input "
                                + HexFormat.of().formatHex(input)
                                + ": untyped "
                                + e,
                        e);
            }
        }
        // The fuzzing is only meaningful if it reached every stage of decoding.
        assertThat(seen).containsKeys(Reason.EMPTY, Reason.BAD_HEADER, Reason.MALFORMED_BODY);
        assertThat(decoded).isPositive();
    }

    @Test
    void shouldBeSafeToShareAcrossThreads() throws Exception {
        AvroValueSerde<ItemFeatures> serde = Serdes.itemFeatures();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(
                        pool.submit(
                                () -> {
                                    int ok = 0;
                                    for (int i = 0; i < 300; i++) {
                                        ItemFeatures item =
                                                TestRecords.fullItem(thread * 1000L + i);
                                        if (serde.deserialize(serde.serialize(item)).equals(item)) {
                                            ok++;
                                        }
                                    }
                                    return ok;
                                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(300);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldSurviveJavaSerializationAsFlinkFunctionsNeed() throws Exception {
        AvroValueSerde<ClickEvent> original = Serdes.clickEvent();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(original);
        }
        AvroValueSerde<?> copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
            copy = (AvroValueSerde<?>) in.readObject();
        }

        ClickEvent click = TestRecords.fullClick(9);
        assertThat(copy.deserialize(original.serialize(click))).isEqualTo(click);
        assertThat(copy.knownWriterSchemas()).isEqualTo(original.knownWriterSchemas());
    }

    @Test
    void shouldRejectNullRecordAndMissingRequiredFieldWithTypedError() {
        assertThatThrownBy(() -> Serdes.clickEvent().serialize(null))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining("ClickEvent");

        ClickEvent noUser = TestRecords.fullClick(1);
        noUser.setUserId(null);
        assertThatThrownBy(() -> Serdes.clickEvent().serialize(noUser))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageContaining("userId");
    }

    // --- helpers ---

    interface BodyWriter {
        void write(BinaryEncoder out) throws IOException;
    }

    /** A single-object message with the current fingerprint of {@code schema} and a hand body. */
    static byte[] message(Schema schema, BodyWriter body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header(SchemaNormalization.parsingFingerprint64(schema)));
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] header(long fingerprint) {
        return ByteBuffer.allocate(SingleObjectEncoding.HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3)
                .put((byte) 0x01)
                .putLong(fingerprint)
                .array();
    }

    private static byte[] randomBytes(java.util.Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] withValidHeader(Kind<?> kind, byte[] body) {
        byte[] head = header(SchemaNormalization.parsingFingerprint64(kind.serde().schema()));
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static <T extends SpecificRecord> byte[] validMessage(Kind<T> kind, long seed) {
        T record = seed % 2 == 0 ? kind.full().apply(seed) : kind.minimal().apply(seed);
        return kind.serde().serialize(record);
    }

    /** Overwrites, truncates or flips a few bytes of the body (keeping the header). */
    private static byte[] mutate(java.util.Random random, byte[] valid) {
        byte[] bytes = valid.clone();
        int body = bytes.length - SingleObjectEncoding.HEADER_LENGTH;
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    bytes[SingleObjectEncoding.HEADER_LENGTH + random.nextInt(body)] =
                            (byte) random.nextInt(256);
                }
            }
            case 1 ->
                    bytes =
                            Arrays.copyOf(
                                    bytes,
                                    SingleObjectEncoding.HEADER_LENGTH + random.nextInt(body));
            default -> {
                int i = SingleObjectEncoding.HEADER_LENGTH + random.nextInt(body);
                bytes[i] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return bytes;
    }

    private static Reason reasonOf(Runnable decode) {
        RecordDecodingException e = thrown(decode::run);
        return e.reason();
    }

    private static void assertReason(Runnable decode, Reason reason) {
        assertThat(reasonOf(decode)).isEqualTo(reason);
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
