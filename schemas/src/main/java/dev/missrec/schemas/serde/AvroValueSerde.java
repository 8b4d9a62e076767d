package dev.missrec.schemas.serde;

import dev.missrec.schemas.serde.RecordDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kafka value serde of one topic record type in Avro single-object encoding ({@code 0xC3 0x01},
 * 8-byte schema fingerprint, binary body), decoding every schema version in the record's {@link
 * SchemaHistory} into the current generated class.
 *
 * <p>Thread-safe: Avro's {@link BinaryMessageEncoder}/{@link BinaryMessageDecoder} keep their
 * scratch buffers in thread-locals and the set of writer schemas is fixed at construction, so one
 * instance may be shared by all threads (see {@link Serdes}). Serializable (as its type and extra
 * writer schemas; the codec is rebuilt on deserialization), so it can be a field of a Flink
 * function.
 *
 * <p>{@link #deserialize} throws only {@link RecordDecodingException}; every body is first checked
 * by a bounded scan so that hostile or corrupt bytes cannot make Avro allocate unbounded memory.
 *
 * @param <T> the generated record class
 */
public final class AvroValueSerde<T extends SpecificRecord> implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final List<String> extraWriterSchemas;

    private transient Schema readerSchema;
    private transient SchemaStore.Cache writerSchemas;
    private transient Map<Long, String> writerLabels;
    private transient BinaryMessageEncoder<T> encoder;
    private transient BinaryMessageDecoder<T> decoder;

    private AvroValueSerde(Class<T> type, List<String> extraWriterSchemas) {
        this.type = type;
        this.extraWriterSchemas = List.copyOf(extraWriterSchemas);
        init();
    }

    /** A serde for {@code type} that reads every version in its shipped schema history. */
    public static <T extends SpecificRecord> AvroValueSerde<T> forType(Class<T> type) {
        return builder(type).build();
    }

    /** A builder for a serde of {@code type}, to register writer schemas beyond the history. */
    public static <T extends SpecificRecord> Builder<T> builder(Class<T> type) {
        return new Builder<>(type);
    }

    private void init() {
        SpecificData model = SpecificData.getForClass(type);
        readerSchema = model.getSchema(type);
        writerSchemas = new SchemaStore.Cache();
        writerLabels = new LinkedHashMap<>();

        for (SchemaVersion version : SchemaHistory.of(type).versions()) {
            register(version.schema(), version.label());
        }
        int extra = 0;
        for (String json : extraWriterSchemas) {
            register(new Schema.Parser().parse(json), readerSchema.getName() + " extra#" + ++extra);
        }
        // The current schema is always a known writer, even before it is copied into the history
        // (a test fails the build until it is).
        register(readerSchema, readerSchema.getName() + " current");
        writerLabels = Collections.unmodifiableMap(writerLabels);

        encoder = new BinaryMessageEncoder<>(model, readerSchema);
        decoder = new BinaryMessageDecoder<>(model, readerSchema, writerSchemas);
    }

    private void register(Schema writer, String label) {
        requireReadable(writer, label);
        writerSchemas.addSchema(writer);
        // The first label wins: "ClickEvent v3" is more useful than "ClickEvent current".
        writerLabels.putIfAbsent(SchemaNormalization.parsingFingerprint64(writer), label);
    }

    private void requireReadable(Schema writer, String label) {
        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalStateException(
                    "the current "
                            + readerSchema.getName()
                            + " schema cannot read data written with "
                            + label
                            + ":"
                            + describe(readerSchema, result));
        }
    }

    /** One line per incompatibility, naming the field: {@code ClickEvent.itemId: TYPE_MISMATCH}. */
    static String describe(Schema reader, SchemaPairCompatibility result) {
        StringBuilder problems = new StringBuilder();
        for (SchemaCompatibility.Incompatibility problem :
                result.getResult().getIncompatibilities()) {
            problems.append("\n  ")
                    .append(fieldPath(reader, problem.getLocation()))
                    .append(": ")
                    .append(problem.getType())
                    .append(" (")
                    .append(problem.getMessage())
                    .append(')');
        }
        return problems.toString();
    }

    /**
     * Turns Avro's JSON-pointer location ({@code /fields/2/type}) into field names ({@code
     * ClickEvent.itemId}) so the error says which field to fix.
     */
    static String fieldPath(Schema schema, String location) {
        try {
            return resolveFieldPath(schema, location);
        } catch (RuntimeException e) {
            // An unexpected pointer shape only costs readability, never the error itself.
            return schema.getName() + location;
        }
    }

    private static String resolveFieldPath(Schema schema, String location) {
        StringBuilder path = new StringBuilder(schema.getName());
        Schema current = schema;
        String[] steps = location.split("/");
        for (int i = 0; i < steps.length; i++) {
            String step = steps[i];
            if (step.equals("fields")
                    && i + 1 < steps.length
                    && current.getType() == Schema.Type.RECORD) {
                Schema.Field field = current.getFields().get(Integer.parseInt(steps[++i]));
                path.append('.').append(field.name());
                current = field.schema();
            } else if (step.equals("items") && current.getType() == Schema.Type.ARRAY) {
                path.append("[]");
                current = current.getElementType();
            } else if (step.equals("values") && current.getType() == Schema.Type.MAP) {
                path.append("{}");
                current = current.getValueType();
            } else if (!step.isEmpty() && !step.equals("type")) {
                path.append('/').append(step);
            }
        }
        return path.toString();
    }

    /**
     * Encodes a record with the current schema.
     *
     * @throws RecordEncodingException if the record is null or not encodable (e.g. a required field
     *     is null)
     */
    public byte[] serialize(T record) {
        if (record == null) {
            throw new RecordEncodingException(
                    "cannot encode a null " + readerSchema.getName(), null);
        }
        if (!type.isInstance(record)) {
            throw new RecordEncodingException(
                    "expected a " + type.getName() + ", got a " + record.getClass().getName(),
                    null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try {
            encoder.encode(record, out);
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodingException(
                    "cannot encode " + readerSchema.getName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a single-object-encoded record written with any known version of the schema; fields
     * the writer did not have get their defaults.
     *
     * @return a new record (never reused)
     * @throws RecordDecodingException for null/empty input ({@code EMPTY}), a missing or wrong
     *     header ({@code BAD_HEADER}), an unknown writer schema ({@code UNKNOWN_SCHEMA}) or a body
     *     that does not decode ({@code MALFORMED_BODY}); no other exception escapes
     */
    public T deserialize(byte[] message) {
        long fingerprint = SingleObjectEncoding.readFingerprint(message);
        Schema writer = writerSchemas.findByFingerprint(fingerprint);
        if (writer == null) {
            throw new RecordDecodingException(
                    Reason.UNKNOWN_SCHEMA,
                    "writer schema fingerprint "
                            + SingleObjectEncoding.toHex(fingerprint)
                            + " is not a known "
                            + readerSchema.getName()
                            + " schema (known: "
                            + knownWriters()
                            + "); it was written by another record type or a newer producer"
                            + " whose schema is not in this build's history");
        }
        String label = writerLabels.get(fingerprint);
        BodyScanner.scan(writer, message, SingleObjectEncoding.HEADER_LENGTH, label);
        try {
            return decoder.decode(message);
        } catch (IOException | RuntimeException e) {
            // The scan should make this unreachable; kept so that no Avro exception ever leaks.
            throw new RecordDecodingException(
                    Reason.MALFORMED_BODY, label + " body does not decode: " + e, e);
        }
    }

    private String knownWriters() {
        StringBuilder known = new StringBuilder();
        writerLabels.forEach(
                (fp, label) -> {
                    if (!known.isEmpty()) {
                        known.append(", ");
                    }
                    known.append(label).append('=').append(SingleObjectEncoding.toHex(fp));
                });
        return known.toString();
    }

    /** The generated record class. */
    public Class<T> type() {
        return type;
    }

    /** The current (reader and writer) schema. */
    public Schema schema() {
        return readerSchema;
    }

    /** Fingerprints of every writer schema this serde decodes, with a label for each. */
    public Map<Long, String> knownWriterSchemas() {
        return writerLabels;
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        init();
    }

    @Override
    public String toString() {
        return "AvroValueSerde["
                + readerSchema.getFullName()
                + ", writers: "
                + knownWriters()
                + "]";
    }

    /** Builds an {@link AvroValueSerde}; the record type is required and given to the factory. */
    public static final class Builder<T extends SpecificRecord> {
        private final Class<T> type;
        private final List<String> extraWriterSchemas = new ArrayList<>();

        private Builder(Class<T> type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /**
         * Also accepts data written with {@code writer} (optional; e.g. a schema a producer used
         * that never made it into the history). It must be readable by the current schema.
         */
        public Builder<T> optWriterSchema(Schema writer) {
            extraWriterSchemas.add(Objects.requireNonNull(writer, "writer").toString());
            return this;
        }

        /**
         * Builds the serde.
         *
         * @throws IllegalStateException if the record has no schema history, or a writer schema is
         *     not readable by the current schema (an incompatible change)
         */
        public AvroValueSerde<T> build() {
            return new AvroValueSerde<>(type, extraWriterSchemas);
        }
    }
}
