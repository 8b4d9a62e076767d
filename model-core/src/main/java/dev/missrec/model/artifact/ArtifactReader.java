package dev.missrec.model.artifact;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Opens a model artifact directory after verifying it completely, and reads its files by name.
 *
 * <p>{@link #open(Path)} checks that the manifest parses and has a supported format version, that
 * every listed file is present as a regular file with the listed size and SHA-256, that nothing
 * unlisted (file, folder or link) is in the directory, that tensor shapes agree with file sizes and
 * that {@code config.json} agrees with the manifest. Every read hashes the bytes it returns again,
 * so a file changed after {@code open} is refused too. Failures are {@link ArtifactException}s
 * naming the file. Instances hold no open resources.
 */
public final class ArtifactReader {
    private final Path dir;
    private final ArtifactManifest manifest;

    private ArtifactReader(Path dir, ArtifactManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** Verifies the artifact at {@code dir} and opens it. */
    public static ArtifactReader open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ArtifactException(
                    ArtifactException.Problem.MISSING_FILE,
                    dir.toString(),
                    "artifact directory " + dir + " does not exist or is not a directory");
        }
        Path manifestPath = dir.resolve(ArtifactManifest.MANIFEST_FILE);
        if (!Files.isRegularFile(manifestPath, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.MANIFEST_FILE,
                    ArtifactManifest.MANIFEST_FILE
                            + " is missing (or not a regular file) in "
                            + dir);
        }
        String json;
        try {
            json = Files.readString(manifestPath, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.IO,
                    ArtifactManifest.MANIFEST_FILE,
                    "cannot read " + manifestPath + ": " + e.getMessage(),
                    e);
        }
        ArtifactManifest manifest = ArtifactManifest.parse(json);
        ArtifactReader reader = new ArtifactReader(dir, manifest);
        reader.verify();
        return reader;
    }

    /** The verified artifact directory. */
    public Path directory() {
        return dir;
    }

    public ArtifactManifest manifest() {
        return manifest;
    }

    public String modelKind() {
        return manifest.modelKind();
    }

    /** Refuses the artifact unless it holds a model of {@code kind}. */
    public ArtifactReader requireKind(String kind) {
        if (!manifest.modelKind().equals(kind)) {
            throw new ArtifactException(
                    ArtifactException.Problem.WRONG_KIND,
                    ArtifactManifest.MANIFEST_FILE,
                    "artifact "
                            + dir
                            + " holds a '"
                            + manifest.modelKind()
                            + "' model, expected '"
                            + kind
                            + "'");
        }
        return this;
    }

    /**
     * The model config, deserialised with Gson into {@code type} (e.g. the model's config record).
     */
    public <T> T config(Class<T> type) {
        try {
            T value = ArtifactManifest.GSON.fromJson(manifest.config(), type);
            if (value == null) {
                throw new JsonParseException("empty config");
            }
            return value;
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.CONFIG_FILE,
                    ArtifactManifest.CONFIG_FILE
                            + " does not hold a valid "
                            + type.getSimpleName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Names of all files except the manifest, sorted. */
    public Set<String> fileNames() {
        return manifest.files().keySet();
    }

    public boolean has(String name) {
        return manifest.files().containsKey(name);
    }

    /** The shape recorded for tensor file {@code name}. */
    public long[] shapeOf(String name) {
        FileEntry e = entry(name);
        if (!e.isTensor()) {
            throw new ArtifactException(
                    ArtifactException.Problem.SHAPE_MISMATCH,
                    name,
                    name + " is not a tensor file (it has no dtype/shape in the manifest)");
        }
        return e.shape();
    }

    /** The file's bytes, checked against the manifest's SHA-256. */
    public byte[] readBytes(String name) {
        ByteBuffer buf = readVerified(name);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    /** The file as UTF-8 lines (line breaks removed). */
    public List<String> readLines(String name) {
        String text = new String(readBytes(name), StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return List.of(text.split("\n", -1));
    }

    /** The JSON file deserialised with Gson into {@code type}. */
    public <T> T readJson(String name, Class<T> type) {
        try {
            return ArtifactManifest.GSON.fromJson(
                    new String(readBytes(name), StandardCharsets.UTF_8), type);
        } catch (JsonParseException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    name,
                    name + " does not hold a valid " + type.getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * A float32 tensor file, refused unless its shape equals {@code expectedShape} (-1 in a
     * dimension accepts any size there).
     */
    public float[] readFloats(String name, int... expectedShape) {
        checkTensor(name, FileEntry.ElementType.FLOAT32, expectedShape);
        ByteBuffer buf = readVerified(name).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }

    /**
     * An int32 tensor file, refused unless its shape equals {@code expectedShape} (-1 in a
     * dimension accepts any size there).
     */
    public int[] readInts(String name, int... expectedShape) {
        checkTensor(name, FileEntry.ElementType.INT32, expectedShape);
        ByteBuffer buf = readVerified(name).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[buf.remaining() / 4];
        buf.asIntBuffer().get(out);
        return out;
    }

    /**
     * Loads parameters written by {@link ArtifactWriter#putParameters} into {@code block}, whose
     * structure must match, and refuses NaN or infinite values. The block must have been
     * initialised with the shapes the saved model had, so a parameter of the wrong size fails here
     * rather than at the first forward pass.
     */
    public void loadParameters(String name, Block block, NDManager manager) {
        byte[] bytes = readBytes(name);
        List<Pair<String, long[]>> expected =
                block.getParameters().stream()
                        .filter(p -> p.getValue().isInitialized())
                        .map(
                                p ->
                                        new Pair<>(
                                                p.getKey(),
                                                p.getValue().getArray().getShape().getShape()))
                        .toList();
        List<NDArray> before =
                block.getParameters().stream()
                        .filter(p -> p.getValue().isInitialized())
                        .map(p -> p.getValue().getArray())
                        .toList();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            block.loadParameters(manager, in);
            if (in.read() != -1) {
                throw new MalformedModelException("trailing bytes after the last parameter");
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.SHAPE_MISMATCH,
                    name,
                    name + " does not match the model's parameters: " + e.getMessage(),
                    e);
        }
        // loading replaces each parameter's array: free the initial ones now, not at model close
        Set<NDArray> loaded =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        block.getParameters().forEach(p -> loaded.add(p.getValue().getArray()));
        for (NDArray old : before) {
            if (!loaded.contains(old)) {
                old.close();
            }
        }
        for (Pair<String, long[]> p : expected) {
            long[] got = block.getParameters().get(p.getKey()).getArray().getShape().getShape();
            if (!Arrays.equals(p.getValue(), got)) {
                throw new ArtifactException(
                        ArtifactException.Problem.SHAPE_MISMATCH,
                        name,
                        name
                                + ": parameter "
                                + p.getKey()
                                + " has shape "
                                + Arrays.toString(got)
                                + ", the model expects "
                                + Arrays.toString(p.getValue()));
            }
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (a.getDataType() != DataType.FLOAT32) {
                continue;
            }
            // copying to the heap avoids native temporaries; parameter tables are small
            float[] v = a.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new ArtifactException(
                            ArtifactException.Problem.NON_FINITE_VALUES,
                            name,
                            name
                                    + ": parameter "
                                    + p.getKey()
                                    + " holds a non-finite value ("
                                    + v[i]
                                    + ") at flat index "
                                    + i);
                }
            }
        }
    }

    private void verify() {
        for (String name : manifest.files().keySet()) {
            ArtifactFiles.checkName(name);
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                if (name.equals(ArtifactManifest.MANIFEST_FILE)) {
                    continue;
                }
                if (!manifest.files().containsKey(name)) {
                    throw new ArtifactException(
                            ArtifactException.Problem.UNLISTED_FILE,
                            name,
                            name + " is in " + dir + " but not listed in the manifest");
                }
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ArtifactException(
                            ArtifactException.Problem.UNLISTED_FILE,
                            name,
                            name
                                    + " in "
                                    + dir
                                    + " is not a regular file (a link or a folder); refused");
                }
            }
        } catch (IOException e) {
            throw new ArtifactException(
                    ArtifactException.Problem.IO,
                    dir.toString(),
                    "cannot list " + dir + ": " + e.getMessage(),
                    e);
        }
        if (!manifest.files().containsKey(ArtifactManifest.CONFIG_FILE)) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.MANIFEST_FILE,
                    ArtifactManifest.MANIFEST_FILE
                            + " does not list "
                            + ArtifactManifest.CONFIG_FILE);
        }
        for (var e : manifest.files().entrySet()) {
            FileEntry f = e.getValue();
            if (f.isTensor()
                    && ArtifactFiles.product(f.shape()) * f.elementType().size() != f.bytes()) {
                throw new ArtifactException(
                        ArtifactException.Problem.BAD_MANIFEST,
                        e.getKey(),
                        ArtifactManifest.MANIFEST_FILE
                                + " lists "
                                + e.getKey()
                                + " as "
                                + f.elementType()
                                + Arrays.toString(f.shape())
                                + " but with "
                                + f.bytes()
                                + " bytes");
            }
            readVerified(e.getKey());
        }
        checkConfigFile();
    }

    private void checkConfigFile() {
        String name = ArtifactManifest.CONFIG_FILE;
        JsonObject o;
        try {
            JsonElement e =
                    JsonParser.parseString(new String(readBytes(name), StandardCharsets.UTF_8));
            o = e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            o = null;
        }
        if (o == null || !o.has("model_kind") || !o.has("config")) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    name,
                    name + " is not a JSON object with model_kind and config");
        }
        if (!o.get("model_kind").equals(new com.google.gson.JsonPrimitive(manifest.modelKind()))
                || !o.get("config").equals(manifest.config())) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_MANIFEST,
                    ArtifactManifest.MANIFEST_FILE,
                    "the model kind or config in "
                            + ArtifactManifest.MANIFEST_FILE
                            + " differs from "
                            + name
                            + "; the manifest was altered");
        }
    }

    private FileEntry entry(String name) {
        FileEntry e = manifest.files().get(name);
        if (e == null) {
            throw new ArtifactException(
                    ArtifactException.Problem.MISSING_FILE,
                    name,
                    "artifact " + dir + " has no file " + name + " (files: " + fileNames() + ")");
        }
        return e;
    }

    private void checkTensor(String name, FileEntry.ElementType type, int[] expectedShape) {
        FileEntry e = entry(name);
        long[] actual = shapeOf(name);
        boolean ok = e.elementType() == type && actual.length == expectedShape.length;
        for (int i = 0; ok && i < actual.length; i++) {
            ok = expectedShape[i] == -1 || expectedShape[i] == actual[i];
        }
        if (!ok) {
            throw new ArtifactException(
                    ArtifactException.Problem.SHAPE_MISMATCH,
                    name,
                    name
                            + " has shape "
                            + e.elementType()
                            + Arrays.toString(actual)
                            + ", expected "
                            + type
                            + Arrays.toString(expectedShape)
                            + (Arrays.stream(expectedShape).anyMatch(s -> s == -1)
                                    ? " (-1 = any)"
                                    : ""));
        }
    }

    private ByteBuffer readVerified(String name) {
        FileEntry e = entry(name);
        Path p = dir.resolve(name);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException(
                    ArtifactException.Problem.MISSING_FILE,
                    name,
                    name + " is listed in the manifest but missing from " + dir);
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException(
                    ArtifactException.Problem.UNLISTED_FILE,
                    name,
                    name + " in " + dir + " is not a regular file (a link or a folder); refused");
        }
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != e.bytes()) {
                throw new ArtifactException(
                        ArtifactException.Problem.CHECKSUM_MISMATCH,
                        name,
                        name + " has " + size + " bytes, the manifest says " + e.bytes());
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new ArtifactException(
                        ArtifactException.Problem.IO, name, name + " is too large: " + size);
            }
            buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new IOException("file shrank while reading");
                }
            }
            buf.flip();
        } catch (IOException ex) {
            throw new ArtifactException(
                    ArtifactException.Problem.IO,
                    name,
                    "cannot read " + name + ": " + ex.getMessage(),
                    ex);
        }
        String sha = ArtifactFiles.sha256Hex(buf);
        if (!sha.equals(e.sha256())) {
            throw new ArtifactException(
                    ArtifactException.Problem.CHECKSUM_MISMATCH,
                    name,
                    name
                            + " is corrupted: its SHA-256 is "
                            + sha
                            + ", the manifest says "
                            + e.sha256());
        }
        return buf;
    }

    /**
     * The item-id table written by {@link ArtifactWriter#putItemTokens}, which must hold exactly
     * {@code numItems} ids (PAD included) in order.
     */
    public String[] readItemTokens(int numItems) {
        String file = ArtifactManifest.ITEM_TOKENS_FILE;
        List<String> lines = readLines(file);
        if (lines.size() != numItems + 1 || !lines.get(0).equals("id\ttoken")) {
            throw new ArtifactException(
                    ArtifactException.Problem.SHAPE_MISMATCH,
                    file,
                    file
                            + " has "
                            + (lines.size() - 1)
                            + " item rows (or no 'id<TAB>token' header), the config says "
                            + numItems);
        }
        String[] tokens = new String[numItems];
        for (int i = 0; i < numItems; i++) {
            String line = lines.get(i + 1);
            int tab = line.indexOf('\t');
            if (tab < 0 || !line.substring(0, tab).equals(Integer.toString(i))) {
                throw new ArtifactException(
                        ArtifactException.Problem.SHAPE_MISMATCH,
                        file,
                        file + " row " + (i + 1) + " is not '" + i + "<TAB>token': " + line);
            }
            tokens[i] = line.substring(tab + 1);
        }
        return tokens;
    }
}
