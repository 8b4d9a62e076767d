package dev.missrec.schemas.serde;

import dev.missrec.schemas.serde.AvroJsonException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro JSON encoding of topic records, for people and the CLI (not for Kafka values).
 *
 * <p>This is Avro's standard JSON: every field is present, a non-null union value is wrapped in its
 * branch name ({@code "sessionId": {"string": "s-1"}}), timestamps are epoch milliseconds and bytes
 * are ISO-8859-1 strings; so {@link #fromJson} reads back exactly what {@link #toJson} writes.
 * Thread-safe (stateless).
 */
public final class AvroJson {
    private AvroJson() {}

    /** The record as one line of Avro JSON. */
    public static String toJson(SpecificRecord record) {
        return toJson(record, JsonStyle.COMPACT);
    }

    /**
     * The record as Avro JSON in the given style.
     *
     * @throws RecordEncodingException if the record is null or not encodable (e.g. a required field
     *     is null)
     */
    public static String toJson(SpecificRecord record, JsonStyle style) {
        if (record == null) {
            throw new RecordEncodingException("cannot write a null record as JSON", null);
        }
        Schema schema = record.getSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            JsonEncoder encoder =
                    EncoderFactory.get().jsonEncoder(schema, out, style == JsonStyle.PRETTY);
            new SpecificDatumWriter<SpecificRecord>(schema, modelOf(record.getClass()))
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodingException(
                    "cannot write " + schema.getName() + " as JSON: " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads one record of {@code type} from Avro JSON.
     *
     * @throws AvroJsonException with reason {@code EMPTY} (null or blank text), {@code
     *     MALFORMED_JSON} (not exactly one JSON object) or {@code SCHEMA_MISMATCH} (a missing
     *     field, a wrong type, an unwrapped union value, an unknown enum symbol)
     */
    public static <T extends SpecificRecord> T fromJson(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new AvroJsonException(Reason.EMPTY, "no JSON text to read", null);
        }
        SpecificData model = modelOf(type);
        Schema schema = model.getSchema(type);
        String name = schema.getName();
        // Avro's JSON decoder stops after the record and silently ignores anything behind it.
        checkSingleObject(json, name);
        try {
            SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema, schema, model);
            return reader.read(null, DecoderFactory.get().jsonDecoder(schema, json));
        } catch (EOFException e) {
            throw new AvroJsonException(Reason.MALFORMED_JSON, name + " JSON ends too early", e);
        } catch (IOException e) {
            // Jackson's parse errors are IOExceptions; their message says where.
            throw new AvroJsonException(
                    Reason.MALFORMED_JSON, name + " JSON is malformed: " + firstLine(e), e);
        } catch (AvroRuntimeException e) {
            throw new AvroJsonException(
                    Reason.SCHEMA_MISMATCH,
                    name + " JSON does not match its schema: " + firstLine(e),
                    e);
        } catch (RuntimeException e) {
            throw new AvroJsonException(
                    Reason.SCHEMA_MISMATCH, name + " JSON cannot be read: " + e, e);
        }
    }

    /** Requires the text to be one JSON object and nothing after it but whitespace. */
    private static void checkSingleObject(String json, String name) {
        int i = skipWhitespace(json, 0);
        if (json.charAt(i) != '{') {
            throw new AvroJsonException(
                    Reason.MALFORMED_JSON,
                    name
                            + " JSON must be an object starting with '{', found '"
                            + json.charAt(i)
                            + "' at offset "
                            + i,
                    null);
        }
        int depth = 0;
        boolean inString = false;
        for (; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                break;
            }
        }
        // An unclosed object is left for the parser, which names the problem precisely.
        int rest = skipWhitespace(json, Math.min(i + 1, json.length()));
        if (depth == 0 && rest < json.length()) {
            throw new AvroJsonException(
                    Reason.MALFORMED_JSON,
                    name + " JSON has content after the object, at offset " + rest,
                    null);
        }
    }

    private static int skipWhitespace(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static SpecificData modelOf(Class<?> type) {
        // The generated class's own model carries its logical-type conversions (Instant).
        return SpecificData.getForClass(type);
    }
}
