package dev.missrec.model.artifact;

import ai.djl.nn.Block;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a model artifact: files are added by name into a private staging directory, then {@link
 * #commit(Path)} records their SHA-256 in {@code manifest.json}, verifies the result with {@link
 * ArtifactReader} and moves the directory into place with one atomic rename.
 *
 * <p>Usage: {@code try (ArtifactWriter w = ArtifactWriter.create("sasrec")) { w.setConfig(cfg)
 * .setData(desc).putParameters("parameters.bin", block); w.commit(dir); }}. Closing an uncommitted
 * writer deletes its staging directory. Not thread-safe.
 */
public final class ArtifactWriter implements AutoCloseable {

    /** Writes one file's content; the stream is closed by the writer. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    private final String modelKind;
    private final Path staging;
    private final Map<String, FileEntry> files = new TreeMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private JsonObject config;
    private DataDescription data;
    private String parentVersion;
    private Instant createdAt;
    private boolean committed;
    private boolean closed;

    private ArtifactWriter(String modelKind, Path staging) {
        this.modelKind = modelKind;
        this.staging = staging;
    }

    /** A writer staging under the system temporary directory. */
    public static ArtifactWriter create(String modelKind) {
        return create(modelKind, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * A writer staging under {@code stagingParent}; staging on the target's file system saves a
     * copy at commit time.
     *
     * @param modelKind the model family, e.g. "sasrec"; selects the loader when reading
     */
    public static ArtifactWriter create(String modelKind, Path stagingParent) {
        if (modelKind == null || !modelKind.matches("[a-z][a-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException(
                    "model kind must be lower-case letters, digits, '_' or '-': " + modelKind);
        }
        try {
            Files.createDirectories(stagingParent);
            return new ArtifactWriter(
                    modelKind, Files.createTempDirectory(stagingParent, ".artifact-staging-"));
        } catch (IOException e) {
            throw io(stagingParent.toString(), "cannot create a staging directory", e);
        }
    }

    /**
     * The model config (required): a record or other object Gson serialises to a JSON object, or a
     * {@link JsonObject}. Written to {@code config.json} and copied into the manifest.
     */
    public ArtifactWriter setConfig(Object modelConfig) {
        JsonElement tree =
                modelConfig instanceof JsonElement je
                        ? je.deepCopy()
                        : ArtifactManifest.GSON.toJsonTree(modelConfig);
        if (!tree.isJsonObject()) {
            throw new IllegalArgumentException(
                    "config must serialise to a JSON object, got " + tree);
        }
        this.config = tree.getAsJsonObject();
        return this;
    }

    /** What the model was trained on (required). */
    public ArtifactWriter setData(DataDescription description) {
        this.data = description;
        return this;
    }

    /** Adds one metric, e.g. "valid.ndcg@10"; must be finite. */
    public ArtifactWriter optMetric(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric " + name + " is not finite: " + value);
        }
        metrics.put(name, value);
        return this;
    }

    /** Adds metrics, each finite. */
    public ArtifactWriter optMetrics(Map<String, Double> values) {
        values.forEach(this::optMetric);
        return this;
    }

    /** The version this artifact was derived from. */
    public ArtifactWriter optParentVersion(String version) {
        this.parentVersion = version;
        return this;
    }

    /** The creation time recorded in the manifest; defaults to the time of {@link #commit}. */
    public ArtifactWriter optCreatedAt(Instant instant) {
        this.createdAt = instant;
        return this;
    }

    /** Adds a file with the given bytes. */
    public ArtifactWriter putBytes(String name, byte[] bytes) {
        return putStream(name, out -> out.write(bytes));
    }

    /** Adds a file whose content {@code writer} streams. */
    public ArtifactWriter putStream(String name, StreamWriter writer) {
        return put(name, writer, null, null);
    }

    /**
     * Adds a raw little-endian float32 tensor of the given shape (row-major, no header; the same
     * layout as the dataset's {@code .feat*CLS} files). The shape is recorded in the manifest.
     */
    public ArtifactWriter putFloats(String name, float[] values, int... shape) {
        long[] s = checkShape(name, values.length, shape);
        return put(
                name,
                out ->
                        writeLittleEndian32(
                                out,
                                values.length,
                                (buf, from, n) -> buf.asFloatBuffer().put(values, from, n)),
                FileEntry.ElementType.FLOAT32,
                s);
    }

    /** Adds a raw little-endian int32 tensor of the given shape (row-major, no header). */
    public ArtifactWriter putInts(String name, int[] values, int... shape) {
        long[] s = checkShape(name, values.length, shape);
        return put(
                name,
                out ->
                        writeLittleEndian32(
                                out,
                                values.length,
                                (buf, from, n) -> buf.asIntBuffer().put(values, from, n)),
                FileEntry.ElementType.INT32,
                s);
    }

    /** Puts {@code count} 32-bit values from index {@code from} into a little-endian buffer. */
    @FunctionalInterface
    private interface Chunk {
        void fill(ByteBuffer buf, int from, int count);
    }

    /** Streams {@code length} 32-bit values in chunks of at most 64 Ki values. */
    private static void writeLittleEndian32(OutputStream out, int length, Chunk chunk)
            throws IOException {
        ByteBuffer buf =
                ByteBuffer.allocate(4 * Math.min(length, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < length; ) {
            buf.clear();
            int n = Math.min(length - i, buf.capacity() / 4);
            chunk.fill(buf, i, n);
            out.write(buf.array(), 0, 4 * n);
            i += n;
        }
    }

    /** Adds a JSON file serialised from {@code value} with Gson (records supported). */
    public ArtifactWriter putJson(String name, Object value) {
        String json = ArtifactManifest.GSON.toJson(value) + "\n";
        return putBytes(name, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a UTF-8 text file, one line per element (e.g. a tab-separated item table). */
    public ArtifactWriter putLines(String name, List<String> lines) {
        for (String line : lines) {
            if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(
                        "line for " + name + " contains a line break: " + line);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        return putBytes(name, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a block's parameters in DJL's format ({@link Block#saveParameters}); read them back with
     * {@link ArtifactReader#loadParameters}.
     */
    public ArtifactWriter putParameters(String name, Block block) {
        return putStream(name, out -> block.saveParameters(new DataOutputStream(out)));
    }

    /**
     * Adds the model's item-id table ({@link ArtifactManifest#ITEM_TOKENS_FILE}): internal id to
     * the dataset's item token, id 0 being padding. {@link ArtifactReader#readItemTokens} reads it.
     */
    public ArtifactWriter putItemTokens(String[] itemTokens) {
        List<String> lines = new ArrayList<>(itemTokens.length + 1);
        lines.add("id\ttoken");
        for (int i = 0; i < itemTokens.length; i++) {
            lines.add(i + "\t" + itemTokens[i]);
        }
        return putLines(ArtifactManifest.ITEM_TOKENS_FILE, lines);
    }

    /**
     * Writes {@code manifest.json} and {@code config.json}, verifies the staged artifact and moves
     * it to {@code target} with an atomic rename. Refuses an existing target.
     *
     * @return the manifest as written
     */
    public ArtifactManifest commit(Path target) {
        ensureOpen();
        if (config == null || data == null) {
            throw new IllegalStateException(
                    "setConfig and setData are required before commit (config "
                            + (config == null ? "missing" : "set")
                            + ", data "
                            + (data == null ? "missing" : "set")
                            + ")");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException(
                    ArtifactException.Problem.TARGET_EXISTS,
                    target.toString(),
                    "artifact target " + target + " already exists; refusing to overwrite it");
        }
        JsonObject configFile = new JsonObject();
        configFile.addProperty("model_kind", modelKind);
        configFile.add("config", config.deepCopy());
        byte[] configBytes =
                (ArtifactManifest.GSON.toJson(configFile) + "\n").getBytes(StandardCharsets.UTF_8);
        writeFile(ArtifactManifest.CONFIG_FILE, out -> out.write(configBytes), null, null);
        ArtifactManifest manifest =
                new ArtifactManifest(
                        ArtifactManifest.FORMAT_VERSION,
                        modelKind,
                        config,
                        files,
                        metrics,
                        data,
                        createdAt != null ? createdAt : Instant.now(),
                        parentVersion);
        Path manifestPath = staging.resolve(ArtifactManifest.MANIFEST_FILE);
        try {
            Files.writeString(manifestPath, manifest.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw io(ArtifactManifest.MANIFEST_FILE, "cannot write the manifest", e);
        }
        // what is committed must be readable: the same checks a loader will run
        ArtifactReader.open(staging);
        Path absTarget = target.toAbsolutePath();
        Path parent = absTarget.getParent();
        try {
            Files.createDirectories(parent);
            Path source = staging;
            if (!parent.equals(staging.toAbsolutePath().getParent())) {
                // rename is only atomic within one file system: copy next to the target first
                source = Files.createTempDirectory(parent, ".artifact-staging-");
                for (String name : listStaged()) {
                    Files.copy(staging.resolve(name), source.resolve(name));
                }
            }
            // temp directories are owner-only; a published model is read by other processes
            if (Files.getFileStore(source).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            try {
                Files.move(source, absTarget, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                if (source != staging) {
                    deleteTree(source);
                }
                throw e;
            }
            if (source != staging) {
                deleteTree(staging);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.TARGET_EXISTS,
                    target.toString(),
                    "artifact target " + target + " already exists; refusing to overwrite it",
                    e);
        } catch (IOException e) {
            throw io(target.toString(), "cannot move the staged artifact into place", e);
        }
        committed = true;
        return manifest;
    }

    /** Deletes the staging directory unless the artifact was committed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed) {
            try {
                deleteTree(staging);
            } catch (IOException e) {
                throw io(staging.toString(), "cannot delete the staging directory", e);
            }
        }
    }

    private ArtifactWriter put(
            String name, StreamWriter writer, FileEntry.ElementType type, long[] shape) {
        ensureOpen();
        ArtifactFiles.checkName(name);
        if (name.equals(ArtifactManifest.MANIFEST_FILE)
                || name.equals(ArtifactManifest.CONFIG_FILE)) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_NAME,
                    name,
                    name + " is reserved: the writer produces it at commit");
        }
        return writeFile(name, writer, type, shape);
    }

    private ArtifactWriter writeFile(
            String name, StreamWriter writer, FileEntry.ElementType type, long[] shape) {
        if (files.containsKey(name)) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_NAME, name, name + " was already added");
        }
        MessageDigest md = ArtifactFiles.sha256();
        Path path = staging.resolve(name);
        try (OutputStream raw = Files.newOutputStream(path);
                DigestOutputStream digest = new DigestOutputStream(raw, md);
                OutputStream out = new BufferedOutputStream(digest, 1 << 16)) {
            writer.write(out);
        } catch (IOException e) {
            throw io(name, "cannot write " + name, e);
        } catch (UncheckedIOException e) {
            throw io(name, "cannot write " + name, e.getCause());
        }
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw io(name, "cannot stat " + name, e);
        }
        if (shape != null && size != ArtifactFiles.product(shape) * type.size()) {
            throw new IllegalStateException(
                    name
                            + " was written with "
                            + size
                            + " bytes for shape "
                            + Arrays.toString(shape));
        }
        files.put(name, new FileEntry(ArtifactFiles.hex(md.digest()), size, type, shape));
        return this;
    }

    private static long[] checkShape(String name, int length, int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("shape of " + name + " is empty");
        }
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(
                        "shape of " + name + " has a negative size: " + Arrays.toString(shape));
            }
            s[i] = shape[i];
        }
        if (ArtifactFiles.product(s) != length) {
            throw new IllegalArgumentException(
                    name
                            + ": shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + ArtifactFiles.product(s)
                            + " values, got "
                            + length);
        }
        return s;
    }

    private List<String> listStaged() throws IOException {
        try (Stream<Path> s = Files.list(staging)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void ensureOpen() {
        if (closed || committed) {
            throw new IllegalStateException("artifact writer already committed or closed");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static ArtifactException io(String file, String what, IOException e) {
        return new ArtifactException(
                ArtifactException.Problem.IO, file, what + ": " + e.getMessage(), e);
    }
}
