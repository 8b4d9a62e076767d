package dev.missrec.schemas.serde;

import dev.missrec.schemas.serde.RecordDecodingException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema and checks that it is well formed before Avro
 * decodes it: every length, count and index in range, strings valid UTF-8, nothing missing and
 * nothing left over.
 *
 * <p>Why a second pass: Avro's decoder trusts the counts in the data. A 30-byte message claiming a
 * 10^9-element float array makes it allocate gigabytes and die with {@code OutOfMemoryError} (one
 * poisoned Kafka record would crash-loop the consuming job), and a bad enum or union index leaks an
 * {@code IndexOutOfBoundsException}. Here every block count is checked against the bytes that
 * remain (an element needs at least {@link #minSize} bytes), so a decode that passes this scan
 * allocates memory proportional to the message. The walk is linear in the message length; the field
 * path for error messages is kept as a small stack and only rendered on failure. Not thread-safe:
 * one instance per message.
 */
final class BodyScanner {
    /** Deeper nesting only arises in recursive schemas and would risk a StackOverflowError. */
    static final int MAX_DEPTH = 64;

    /**
     * Bound on the zero-width items (e.g. array of null) of one array or map: they take no bytes.
     */
    static final long MAX_ZERO_WIDTH_ITEMS = 1 << 16;

    private final byte[] buf;
    private final String label;
    private final String root;
    private int pos;
    private CharsetDecoder utf8;

    // The path to the datum being read: a field name, or (name null) an array/map item index.
    private final String[] pathNames = new String[MAX_DEPTH + 2];
    private final long[] pathIndices = new long[MAX_DEPTH + 2];
    private int pathLength;

    private BodyScanner(byte[] buf, int offset, String label, String root) {
        this.buf = buf;
        this.pos = offset;
        this.label = label;
        this.root = root;
    }

    /**
     * Checks {@code buf[offset..]} is exactly one datum of {@code writer}.
     *
     * @param label names the writer version in messages, e.g. {@code ClickEvent v1}
     * @throws RecordDecodingException with reason {@code MALFORMED_BODY}
     */
    static void scan(Schema writer, byte[] buf, int offset, String label) {
        BodyScanner scanner = new BodyScanner(buf, offset, label, writer.getName());
        scanner.datum(writer, 0);
        if (scanner.pos != buf.length) {
            throw scanner.fail(
                    (buf.length - scanner.pos) + " trailing bytes after the end of the record");
        }
    }

    private void datum(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nesting deeper than " + MAX_DEPTH + " levels");
        }
        switch (schema.getType()) {
            case NULL -> {}
            case BOOLEAN -> {
                int b = take(1, "boolean");
                if ((buf[b] & 0xFF) > 1) {
                    throw fail("boolean byte is " + (buf[b] & 0xFF) + ", expected 0 or 1");
                }
            }
            case INT -> readInt();
            case LONG -> readLong();
            case FLOAT -> take(4, "float");
            case DOUBLE -> take(8, "double");
            case FIXED -> take(schema.getFixedSize(), schema.getName());
            case BYTES -> take(readLength(), "bytes");
            case STRING -> {
                int length = readLength();
                checkUtf8(take(length, "string"), length);
            }
            case ENUM -> {
                int index = readInt();
                int symbols = schema.getEnumSymbols().size();
                if (index < 0 || index >= symbols) {
                    throw fail(
                            "enum index "
                                    + index
                                    + " outside 0.."
                                    + (symbols - 1)
                                    + " of "
                                    + schema.getName());
                }
            }
            case UNION -> {
                int index = readInt();
                int branches = schema.getTypes().size();
                if (index < 0 || index >= branches) {
                    throw fail("union branch " + index + " outside 0.." + (branches - 1));
                }
                datum(schema.getTypes().get(index), depth + 1);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    push(field.name(), -1);
                    datum(field.schema(), depth + 1);
                    pathLength--;
                }
            }
            case ARRAY -> blocks(schema.getElementType(), false, depth);
            case MAP -> blocks(schema.getValueType(), true, depth);
        }
    }

    /** Array and map items come in blocks: a count (negative: followed by a byte size), items. */
    private void blocks(Schema itemType, boolean map, int depth) {
        long itemMin = (map ? 1 : 0) + minSize(itemType, new IdentityHashMap<>());
        long index = 0;
        while (true) {
            long count = readLong();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw fail("block count " + count + " out of range");
                }
                count = -count;
                long size = readLong();
                if (size < 0 || size > remaining()) {
                    throw fail("block size " + size + " but only " + remaining() + " bytes left");
                }
            }
            boolean tooMany =
                    itemMin > 0
                            ? count > remaining() / itemMin
                            : count > MAX_ZERO_WIDTH_ITEMS - index;
            if (tooMany) {
                throw fail(
                        "block claims "
                                + count
                                + " items but only "
                                + remaining()
                                + " bytes are"
                                + " left");
            }
            for (long i = 0; i < count; i++, index++) {
                push(null, index);
                if (map) {
                    int length = readLength();
                    checkUtf8(take(length, "map key"), length);
                }
                datum(itemType, depth + 1);
                pathLength--;
            }
        }
    }

    /** Fewest bytes any datum of {@code schema} can take (recursive references count as 0). */
    static long minSize(Schema schema, Map<Schema, Boolean> visiting) {
        return switch (schema.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case UNION -> {
                long min = Long.MAX_VALUE;
                for (Schema branch : schema.getTypes()) {
                    min = Math.min(min, minSize(branch, visiting));
                }
                // An empty union has no encodable value at all.
                yield min == Long.MAX_VALUE ? min : 1 + min;
            }
            case RECORD -> {
                if (visiting.put(schema, Boolean.TRUE) != null) {
                    yield 0;
                }
                long sum = 0;
                for (Schema.Field field : schema.getFields()) {
                    long size = minSize(field.schema(), visiting);
                    sum = size > Long.MAX_VALUE - sum ? Long.MAX_VALUE : sum + size;
                }
                visiting.remove(schema);
                yield sum;
            }
        };
    }

    private void push(String name, long index) {
        pathNames[pathLength] = name;
        pathIndices[pathLength] = index;
        pathLength++;
    }

    private int remaining() {
        return buf.length - pos;
    }

    /** Consumes {@code n} bytes and returns where they start. */
    private int take(long n, String what) {
        if (n > remaining()) {
            throw fail(
                    what
                            + " needs "
                            + n
                            + " bytes but only "
                            + remaining()
                            + " are left (truncated?)");
        }
        int start = pos;
        pos += (int) n;
        return start;
    }

    private int readLength() {
        long length = readLong();
        if (length < 0) {
            throw fail("negative length " + length);
        }
        if (length > remaining()) {
            throw fail(
                    "length "
                            + length
                            + " but only "
                            + remaining()
                            + " bytes are left"
                            + " (truncated?)");
        }
        return (int) length;
    }

    private int readInt() {
        long raw = readVarint(5);
        long value = (raw >>> 1) ^ -(raw & 1);
        if (value != (int) value) {
            throw fail("int varint out of range");
        }
        return (int) value;
    }

    private long readLong() {
        long raw = readVarint(10);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Reads an unsigned LEB128 varint of at most {@code maxBytes} bytes (zig-zag not undone). */
    private long readVarint(int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= buf.length) {
                throw fail("varint cut off by the end of the message (truncated?)");
            }
            int b = buf[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return raw;
            }
        }
        throw fail("varint longer than " + maxBytes + " bytes");
    }

    private void checkUtf8(int start, int length) {
        for (int i = start; i < start + length; i++) {
            if (buf[i] < 0) {
                // Only non-ASCII text needs the full decoder; most ids are ASCII.
                if (utf8 == null) {
                    utf8 =
                            StandardCharsets.UTF_8
                                    .newDecoder()
                                    .onMalformedInput(CodingErrorAction.REPORT)
                                    .onUnmappableCharacter(CodingErrorAction.REPORT);
                }
                try {
                    utf8.reset().decode(ByteBuffer.wrap(buf, start, length));
                } catch (CharacterCodingException e) {
                    throw fail("string is not valid UTF-8");
                }
                return;
            }
        }
    }

    private RecordDecodingException fail(String problem) {
        StringBuilder path = new StringBuilder(root);
        for (int i = 0; i < pathLength; i++) {
            if (pathNames[i] != null) {
                path.append('.').append(pathNames[i]);
            } else {
                path.append('[').append(pathIndices[i]).append(']');
            }
        }
        return new RecordDecodingException(
                Reason.MALFORMED_BODY,
                label + " body at " + path + " (byte " + pos + "): " + problem);
    }
}
