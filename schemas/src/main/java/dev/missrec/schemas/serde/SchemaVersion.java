package dev.missrec.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * One historical version of a topic record's schema, as shipped under {@code schema-history/}.
 *
 * @param recordName simple name of the record, e.g. {@code ClickEvent}
 * @param version 1-based version number (the {@code N} of {@code vN.avsc})
 * @param schema the full, self-contained writer schema of that version
 */
public record SchemaVersion(String recordName, int version, Schema schema) {

    /** Checks the components. */
    public SchemaVersion {
        Objects.requireNonNull(recordName, "recordName");
        Objects.requireNonNull(schema, "schema");
        if (version < 1) {
            throw new IllegalArgumentException("schema version must be >= 1, got " + version);
        }
    }

    /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as on the wire. */
    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** A short label for messages, e.g. {@code ClickEvent v2}. */
    public String label() {
        return recordName + " v" + version;
    }
}
