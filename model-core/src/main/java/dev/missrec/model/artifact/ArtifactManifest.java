package dev.missrec.model.artifact;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The contents of an artifact's {@code manifest.json}: format version, model kind and config, the
 * SHA-256 of every other file, metrics, the training data and provenance.
 *
 * @param formatVersion manifest format version ({@link #FORMAT_VERSION} when written by this code)
 * @param modelKind the model family, e.g. "sasrec" or "missrec"; selects the loader
 * @param config the model's config as JSON (the same object as in {@code config.json})
 * @param files every file of the artifact except the manifest itself, by name, sorted
 * @param metrics named metrics, e.g. "valid.ndcg@10"; may be empty
 * @param data what the model was trained on
 * @param createdAt when the artifact was committed
 * @param parentVersion the version this one was derived from (e.g. fine-tuned from), or null
 */
public record ArtifactManifest(
        int formatVersion,
        String modelKind,
        JsonObject config,
        Map<String, FileEntry> files,
        Map<String, Double> metrics,
        DataDescription data,
        Instant createdAt,
        String parentVersion) {

    /** The only manifest format this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Name of the manifest file in every artifact directory. */
    public static final String MANIFEST_FILE = "manifest.json";

    /** Name of the config file in every artifact directory. */
    public static final String CONFIG_FILE = "config.json";

    /** The item-id table of a model: {@code id<TAB>token} rows, internal id order, PAD first. */
    public static final String ITEM_TOKENS_FILE = "items.tsv";

    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public ArtifactManifest {
        Objects.requireNonNull(modelKind, "modelKind");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(createdAt, "createdAt");
        files = Collections.unmodifiableMap(new TreeMap<>(files));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        config = config.deepCopy();
    }

    @Override
    public JsonObject config() {
        return config.deepCopy();
    }

    /** The manifest as pretty-printed JSON. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format_version", formatVersion);
        o.addProperty("model_kind", modelKind);
        o.addProperty("created_at", createdAt.toString());
        if (parentVersion != null) {
            o.addProperty("parent_version", parentVersion);
        }
        JsonObject d = new JsonObject();
        d.addProperty("dataset", data.dataset());
        d.addProperty("users", data.users());
        d.addProperty("items", data.items());
        d.addProperty("interactions", data.interactions());
        if (data.range() != null) {
            d.addProperty("range", data.range());
        }
        o.add("data", d);
        JsonObject m = new JsonObject();
        metrics.forEach(m::addProperty);
        o.add("metrics", m);
        o.add("config", config.deepCopy());
        JsonObject f = new JsonObject();
        files.forEach(
                (name, e) -> {
                    JsonObject fe = new JsonObject();
                    fe.addProperty("sha256", e.sha256());
                    fe.addProperty("bytes", e.bytes());
                    if (e.isTensor()) {
                        fe.addProperty("dtype", e.elementType().name().toLowerCase());
                        JsonArray shape = new JsonArray();
                        for (long s : e.shape()) {
                            shape.add(s);
                        }
                        fe.add("shape", shape);
                    }
                    f.add(name, fe);
                });
        o.add("files", f);
        return GSON.toJson(o) + "\n";
    }

    /**
     * Parses a manifest; anything malformed is an {@link ArtifactException} naming the manifest and
     * the field. The format version is checked first, so a future format is reported as unsupported
     * rather than malformed.
     */
    public static ArtifactManifest parse(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw bad("is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    MANIFEST_FILE,
                    MANIFEST_FILE + " is not valid JSON: " + e.getMessage(),
                    e);
        }
        int version = (int) requireLong(o, "format_version");
        if (version != FORMAT_VERSION) {
            throw new ArtifactException(
                    ArtifactException.Problem.UNSUPPORTED_FORMAT,
                    MANIFEST_FILE,
                    MANIFEST_FILE
                            + " has format_version "
                            + version
                            + "; this code reads only version "
                            + FORMAT_VERSION);
        }
        String kind = requireString(o, "model_kind");
        Instant created;
        try {
            created = Instant.parse(requireString(o, "created_at"));
        } catch (DateTimeParseException e) {
            throw bad("field created_at is not an ISO-8601 instant: " + e.getParsedString());
        }
        String parent = o.has("parent_version") ? requireString(o, "parent_version") : null;
        JsonObject d = requireObject(o, "data");
        DataDescription data;
        try {
            data =
                    new DataDescription(
                            requireString(d, "dataset"),
                            requireLong(d, "users"),
                            requireLong(d, "items"),
                            requireLong(d, "interactions"),
                            d.has("range") ? requireString(d, "range") : null);
        } catch (IllegalArgumentException e) {
            throw bad("field data is invalid: " + e.getMessage());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> m : requireObject(o, "metrics").entrySet()) {
            if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isNumber()) {
                throw bad("metric " + m.getKey() + " is not a number");
            }
            metrics.put(m.getKey(), m.getValue().getAsDouble());
        }
        JsonObject config = requireObject(o, "config");
        Map<String, FileEntry> files = new TreeMap<>();
        for (Map.Entry<String, JsonElement> f : requireObject(o, "files").entrySet()) {
            String name = f.getKey();
            if (!f.getValue().isJsonObject()) {
                throw bad("entry for file " + name + " is not an object");
            }
            JsonObject fe = f.getValue().getAsJsonObject();
            String sha = requireString(fe, "sha256");
            if (!sha.matches("[0-9a-f]{64}")) {
                throw bad("sha256 of file " + name + " is not 64 lower-case hex digits");
            }
            FileEntry.ElementType type = null;
            long[] shape = null;
            if (fe.has("dtype") || fe.has("shape")) {
                String dtype = requireString(fe, "dtype");
                try {
                    type = FileEntry.ElementType.valueOf(dtype.toUpperCase());
                } catch (IllegalArgumentException e) {
                    throw bad("file " + name + " has unknown dtype " + dtype);
                }
                if (!fe.has("shape") || !fe.get("shape").isJsonArray()) {
                    throw bad("file " + name + " has a dtype but no shape array");
                }
                JsonArray arr = fe.getAsJsonArray("shape");
                shape = new long[arr.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = arr.get(i).getAsLong();
                }
            }
            files.put(name, new FileEntry(sha, requireLong(fe, "bytes"), type, shape));
        }
        return new ArtifactManifest(version, kind, config, files, metrics, data, created, parent);
    }

    private static ArtifactException bad(String what) {
        return new ArtifactException(
                ArtifactException.Problem.BAD_MANIFEST, MANIFEST_FILE, MANIFEST_FILE + " " + what);
    }

    private static JsonObject requireObject(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonObject()) {
            throw bad("lacks the object field " + field);
        }
        return e.getAsJsonObject();
    }

    private static String requireString(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad("lacks the string field " + field);
        }
        return e.getAsString();
    }

    private static long requireLong(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw bad("lacks the numeric field " + field);
        }
        double v = e.getAsDouble();
        if (v != Math.rint(v)) {
            throw bad("field " + field + " is not an integer: " + v);
        }
        return e.getAsLong();
    }
}
