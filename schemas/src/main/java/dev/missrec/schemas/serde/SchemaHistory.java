package dev.missrec.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema version a topic record has ever been written with, read from the classpath folder
 * {@code schema-history/<RecordName>/v1.avsc, v2.avsc, ...} (consecutive, starting at 1).
 *
 * <p>Shipping the history lets a consumer decode records written by any older producer without a
 * schema registry: each version is registered as a known writer schema with the decoder. When a
 * schema in {@code src/main/avro} changes, copy the new full schema to the next {@code vN.avsc}
 * (the build fails until the latest version equals the current schema).
 */
public final class SchemaHistory {
    /** Classpath folder holding one sub-folder per record name. */
    public static final String ROOT = "schema-history";

    private final String recordName;
    private final List<SchemaVersion> versions;

    private SchemaHistory(String recordName, List<SchemaVersion> versions) {
        this.recordName = recordName;
        this.versions = List.copyOf(versions);
    }

    /**
     * Loads the history of a generated record class from the class's own class loader.
     *
     * @throws IllegalStateException if there is no {@code v1.avsc} or a version does not parse or
     *     names another record; these are build defects, not bad input
     */
    public static SchemaHistory of(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.get().getSchema(type);
        return load(current.getFullName(), type.getClassLoader());
    }

    /**
     * Loads the history of the record with the given full name (e.g. {@code
     * dev.missrec.schemas.ClickEvent}); the folder is named after its simple name.
     *
     * @throws IllegalStateException as {@link #of(Class)}
     */
    public static SchemaHistory load(String fullName, ClassLoader loader) {
        String simpleName = fullName.substring(fullName.lastIndexOf('.') + 1);
        List<SchemaVersion> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String resource = ROOT + "/" + simpleName + "/v" + v + ".avsc";
            Schema schema = parse(resource, loader);
            if (schema == null) {
                break;
            }
            if (!schema.getFullName().equals(fullName)) {
                throw new IllegalStateException(
                        resource + " defines " + schema.getFullName() + ", expected " + fullName);
            }
            versions.add(new SchemaVersion(simpleName, v, schema));
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException(
                    "no schema history for "
                            + fullName
                            + ": expected classpath resource "
                            + ROOT
                            + "/"
                            + simpleName
                            + "/v1.avsc");
        }
        return new SchemaHistory(simpleName, versions);
    }

    private static Schema parse(String resource, ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            // A fresh parser per file: every version is self-contained and may redefine the same
            // names as its siblings.
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (SchemaParseException e) {
            throw new IllegalStateException(
                    "invalid schema in " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Simple name of the record, e.g. {@code ClickEvent}. */
    public String recordName() {
        return recordName;
    }

    /** All versions, oldest first; never empty. */
    public List<SchemaVersion> versions() {
        return versions;
    }

    /** The newest version, which must equal the record's current schema. */
    public SchemaVersion latest() {
        return versions.get(versions.size() - 1);
    }
}
