package dev.missrec.schemas.serde;

import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.ErrorKind;
import dev.missrec.schemas.EventType;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import dev.missrec.schemas.ModelUpdate;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Generated topic records for tests, each derived from a seed: "full" sets every optional field,
 * "minimal" sets only the required ones.
 */
final class TestRecords {
    private TestRecords() {}

    /**
     * One topic record type with its generators and serde. The serde is fetched on use: if a schema
     * change breaks serde construction, only the tests that need it fail, and the history tests
     * still say precisely what is wrong.
     */
    record Kind<T extends SpecificRecord>(
            Class<T> type,
            LongFunction<T> full,
            LongFunction<T> minimal,
            Supplier<AvroValueSerde<T>> serdeSupplier) {

        AvroValueSerde<T> serde() {
            return serdeSupplier.get();
        }

        /** The current schema, straight from the generated class. */
        Schema schema() {
            return SpecificData.get().getSchema(type);
        }

        @Override
        public String toString() {
            return type.getSimpleName();
        }
    }

    static Stream<Kind<?>> kinds() {
        return Stream.of(
                new Kind<>(
                        ClickEvent.class,
                        TestRecords::fullClick,
                        TestRecords::minimalClick,
                        Serdes::clickEvent),
                new Kind<>(
                        ItemFeatures.class,
                        TestRecords::fullItem,
                        TestRecords::minimalItem,
                        Serdes::itemFeatures),
                new Kind<>(
                        Recommendation.class,
                        TestRecords::fullRecommendation,
                        TestRecords::minimalRecommendation,
                        Serdes::recommendation),
                new Kind<>(
                        ModelUpdate.class,
                        TestRecords::fullModelUpdate,
                        TestRecords::minimalModelUpdate,
                        Serdes::modelUpdate),
                new Kind<>(
                        DeadLetter.class,
                        TestRecords::fullDeadLetter,
                        TestRecords::minimalDeadLetter,
                        Serdes::deadLetter));
    }

    /** Millisecond precision: timestamp-millis drops anything finer. */
    static Instant time(Random random) {
        return Instant.ofEpochMilli(1_600_000_000_000L + random.nextInt(1_000_000_000));
    }

    static String id(String prefix, Random random) {
        return prefix + "-" + Integer.toHexString(random.nextInt(1 << 24));
    }

    static ClickEvent fullClick(long seed) {
        Random random = new Random(seed);
        EventType[] types = EventType.values();
        return ClickEvent.newBuilder()
                .setEventId(id("e", random))
                .setUserId(id("u", random))
                .setItemId(id("i", random))
                .setEventType(types[random.nextInt(types.length)])
                .setEventTime(time(random))
                .setSessionId(id("s", random))
                .setValue(0.5 * (1 + random.nextInt(10)))
                .setAttributedModelVersion(id("m", random))
                .setContext(Map.of("device", "phone-" + random.nextInt(9), "page", "home ☕"))
                .build();
    }

    static ClickEvent minimalClick(long seed) {
        Random random = new Random(seed);
        return ClickEvent.newBuilder()
                .setEventId(id("e", random))
                .setUserId(id("u", random))
                .setItemId(id("i", random))
                .setEventType(EventType.CLICK)
                .setEventTime(time(random))
                .build();
    }

    static List<Float> vector(Random random, int size) {
        List<Float> v = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            v.add((float) random.nextGaussian());
        }
        return v;
    }

    static ItemFeatures fullItem(long seed) {
        Random random = new Random(seed);
        ItemStatus[] statuses = ItemStatus.values();
        return ItemFeatures.newBuilder()
                .setItemId(id("i", random))
                .setStatus(statuses[random.nextInt(statuses.length)])
                .setText("Lab pipette {\"volume\": 10} — " + random.nextInt())
                .setTextEmbedding(vector(random, 512))
                .setTextEmbeddingModel("clip-vit-b32-text")
                .setImageEmbedding(vector(random, 512))
                .setImageEmbeddingModel("clip-vit-b32-image")
                .setAttributes(Map.of("brand", "b" + random.nextInt(50)))
                .setUpdateTime(time(random))
                .build();
    }

    static ItemFeatures minimalItem(long seed) {
        Random random = new Random(seed);
        return ItemFeatures.newBuilder()
                .setItemId(id("i", random))
                .setUpdateTime(time(random))
                .build();
    }

    static Recommendation fullRecommendation(long seed) {
        Random random = new Random(seed);
        List<ScoredItem> items = new ArrayList<>();
        float score = 10;
        for (int k = 0; k < 10; k++) {
            score -= random.nextFloat();
            items.add(new ScoredItem(id("i", random), score));
        }
        Instant event = time(random);
        return Recommendation.newBuilder()
                .setUserId(id("u", random))
                .setItems(items)
                .setModelVersion(id("m", random))
                .setTriggerEventId(id("e", random))
                .setTriggerEventTime(event)
                .setProducedTime(event.plusMillis(random.nextInt(500)))
                .setInferenceLatencyMicros((long) random.nextInt(100_000))
                .setEndToEndLatencyMillis((long) random.nextInt(1_000))
                .build();
    }

    static Recommendation minimalRecommendation(long seed) {
        Random random = new Random(seed);
        Instant event = time(random);
        return Recommendation.newBuilder()
                .setUserId(id("u", random))
                .setItems(List.of())
                .setModelVersion(id("m", random))
                .setTriggerEventId(id("e", random))
                .setTriggerEventTime(event)
                .setProducedTime(event)
                .build();
    }

    static ModelUpdate fullModelUpdate(long seed) {
        Random random = new Random(seed);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("ndcg@10", random.nextDouble());
        metrics.put("hit@10", random.nextDouble());
        return ModelUpdate.newBuilder()
                .setModelVersion(id("m", random))
                .setRegistryLocation("versions/" + id("m", random))
                .setManifestSha256(sha256Hex(random))
                .setMetrics(metrics)
                .setCreatedTime(time(random))
                .setParentVersion(id("m", random))
                .build();
    }

    static ModelUpdate minimalModelUpdate(long seed) {
        Random random = new Random(seed);
        return ModelUpdate.newBuilder()
                .setModelVersion(id("m", random))
                .setRegistryLocation("versions/" + id("m", random))
                .setManifestSha256(sha256Hex(random))
                .setMetrics(Map.of())
                .setCreatedTime(time(random))
                .build();
    }

    static DeadLetter fullDeadLetter(long seed) {
        Random random = new Random(seed);
        byte[] key = new byte[8];
        byte[] value = new byte[40];
        random.nextBytes(key);
        random.nextBytes(value);
        ErrorKind[] kinds = ErrorKind.values();
        return DeadLetter.newBuilder()
                .setSourceTopic("clicks")
                .setSourcePartition(random.nextInt(12))
                .setSourceOffset(random.nextLong() & Long.MAX_VALUE)
                .setSourceTimestamp(time(random))
                .setRawKey(ByteBuffer.wrap(key))
                .setRawValue(ByteBuffer.wrap(value))
                .setErrorKind(kinds[random.nextInt(kinds.length)])
                .setErrorCode("MALFORMED_BODY")
                .setErrorMessage("bad bytes " + random.nextInt())
                .setRejectedBy("RecommendJob/ClickParser")
                .setErrorTime(time(random))
                .build();
    }

    static DeadLetter minimalDeadLetter(long seed) {
        Random random = new Random(seed);
        return DeadLetter.newBuilder()
                .setSourceTopic("clicks")
                .setSourcePartition(random.nextInt(12))
                .setSourceOffset(random.nextInt(1000))
                .setErrorKind(ErrorKind.VALIDATION)
                .setErrorMessage("userId is empty")
                .setErrorTime(time(random))
                .build();
    }

    private static String sha256Hex(Random random) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }
}
