package dev.missrec.model.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TextEncoder} that keeps every embedding it computes on disk, keyed by the delegate's
 * {@link TextEncoder#modelId() model id} and the SHA-256 of the text, so a dataset's item texts are
 * embedded once per machine.
 *
 * <p>Layout: {@code <dir>/<model>/<h0h1>/<sha256(text)>.emb}, where {@code <model>} is the model id
 * made file-name safe plus a hash of the exact id (two ids never share a folder), and {@code h0h1}
 * the first two hex digits of the text hash. One small file per text keeps writes independent: an
 * entry is written to a temporary file in its folder and atomically renamed into place, so readers
 * and concurrent writers (two CLI runs) only ever see whole files. Entry format, little-endian:
 * magic {@code "MRTE"}, format version, SHA-256 of the model id, SHA-256 of the text, dimension,
 * the float32 values, and a CRC32C of everything before it.
 *
 * <p>Every read is verified (size, magic, version, both hashes, dimension, checksum, finite
 * values); an entry that fails is counted in {@link Stats#rejected()}, recomputed by the delegate
 * and overwritten, never trusted. Files are not fsync'ed: after a crash a torn entry fails its
 * checksum and is recomputed, which is cheaper than syncing thousands of small files.
 */
public final class CachingTextEncoder implements TextEncoder {
    /** The default cache folder, relative to the working directory. */
    public static final Path DEFAULT_DIR = Path.of("work", "text-embeddings");

    static final int MAGIC = 0x4554524D; // "MRTE" read as little-endian bytes
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 4 + 4 + 32 + 32 + 4;
    static final String SUFFIX = ".emb";

    private static final Logger LOG = LoggerFactory.getLogger(CachingTextEncoder.class);
    private static final HexFormat HEX = HexFormat.of();
    // Texts handed to the delegate at once: finished chunks are on disk if a long run is stopped.
    private static final int CHUNK = 256;

    private final TextEncoder delegate;
    private final Path modelDir;
    private final byte[] modelHash;
    private long hits;
    private long misses;
    private long rejected;

    /**
     * Counters since construction.
     *
     * @param hits texts served from a verified cache entry
     * @param misses distinct texts the delegate had to embed (including rejected entries)
     * @param rejected entries found on disk but failing verification, then recomputed
     */
    public record Stats(long hits, long misses, long rejected) {}

    /** A cache in {@link #DEFAULT_DIR} in front of {@code delegate}. */
    public CachingTextEncoder(TextEncoder delegate) {
        this(delegate, DEFAULT_DIR);
    }

    /** A cache in {@code dir} (created on first write) in front of {@code delegate}. */
    public CachingTextEncoder(TextEncoder delegate, Path dir) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(dir, "dir");
        String id = delegate.modelId();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the delegate encoder has no model id");
        }
        if (delegate.dimension() < 1) {
            throw new IllegalArgumentException(
                    "the delegate encoder has dimension " + delegate.dimension());
        }
        this.modelHash = sha256(id);
        this.modelDir =
                dir.resolve(
                        id.replaceAll("[^A-Za-z0-9._-]", "_")
                                + "-"
                                + HEX.formatHex(modelHash, 0, 8));
    }

    @Override
    public synchronized float[][] encode(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        float[][] out = new float[texts.size()][];
        // Distinct texts still to embed, with every position that asked for them.
        Map<String, List<Integer>> pending = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = Objects.requireNonNull(texts.get(i), "text " + i);
            List<Integer> waiting = pending.get(text);
            if (waiting != null) {
                waiting.add(i);
                continue;
            }
            float[] cached = read(text);
            if (cached != null) {
                hits++;
                out[i] = cached;
            } else {
                pending.computeIfAbsent(text, t -> new ArrayList<>()).add(i);
            }
        }
        List<String> missing = new ArrayList<>(pending.keySet());
        for (int from = 0; from < missing.size(); from += CHUNK) {
            List<String> chunk = missing.subList(from, Math.min(missing.size(), from + CHUNK));
            float[][] vectors = delegate.encode(chunk);
            if (vectors.length != chunk.size()) {
                throw new IllegalStateException(
                        delegate.modelId()
                                + " returned "
                                + vectors.length
                                + " vectors for "
                                + chunk.size()
                                + " texts");
            }
            for (int k = 0; k < chunk.size(); k++) {
                float[] v = vectors[k];
                if (v == null || v.length != delegate.dimension()) {
                    throw new IllegalStateException(
                            delegate.modelId()
                                    + " returned a vector of length "
                                    + (v == null ? "null" : v.length)
                                    + ", expected "
                                    + delegate.dimension());
                }
                write(chunk.get(k), v);
                misses++;
                List<Integer> at = pending.get(chunk.get(k));
                for (int j = 0; j < at.size(); j++) {
                    out[at.get(j)] = j == 0 ? v : v.clone();
                }
            }
        }
        return out;
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    /** Closes the delegate. */
    @Override
    public void close() {
        delegate.close();
    }

    /** Hit, miss and rejection counts since construction. */
    public synchronized Stats stats() {
        return new Stats(hits, misses, rejected);
    }

    /** The folder holding this model's entries. */
    public Path modelDirectory() {
        return modelDir;
    }

    /** Where the entry of {@code text} lives (whether or not it exists yet). */
    public Path entryPath(String text) {
        String hex = HEX.formatHex(sha256(text));
        return modelDir.resolve(hex.substring(0, 2)).resolve(hex + SUFFIX);
    }

    /** The verified cached vector of {@code text}, or null when absent or rejected. */
    private float[] read(String text) {
        Path file = entryPath(text);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read text-embedding cache entry " + file, e);
        }
        String problem = verify(bytes, sha256(text));
        if (problem != null) {
            rejected++;
            LOG.warn("rejected text-embedding cache entry {}: {}; recomputing", file, problem);
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[delegate.dimension()];
        buf.position(HEADER_BYTES);
        buf.asFloatBuffer().get(v);
        return v;
    }

    /** Null when {@code bytes} is a whole, uncorrupted entry of this model and text. */
    private String verify(byte[] bytes, byte[] textHash) {
        int dim = delegate.dimension();
        long expected = HEADER_BYTES + 4L * dim + 4;
        if (bytes.length != expected) {
            return "size " + bytes.length + " bytes, expected " + expected;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            return "checksum mismatch";
        }
        if (buf.getInt(0) != MAGIC) {
            return "not a text-embedding entry";
        }
        if (buf.getInt(4) != FORMAT_VERSION) {
            return "format version " + buf.getInt(4) + ", expected " + FORMAT_VERSION;
        }
        if (!Arrays.equals(bytes, 8, 40, modelHash, 0, 32)) {
            return "written by another model";
        }
        if (!Arrays.equals(bytes, 40, 72, textHash, 0, 32)) {
            return "written for another text";
        }
        if (buf.getInt(72) != dim) {
            return "dimension " + buf.getInt(72) + ", expected " + dim;
        }
        for (int j = 0; j < dim; j++) {
            if (!Float.isFinite(buf.getFloat(HEADER_BYTES + 4 * j))) {
                return "non-finite value at " + j;
            }
        }
        return null;
    }

    private void write(String text, float[] v) {
        Path file = entryPath(text);
        ByteBuffer buf =
                ByteBuffer.allocate(HEADER_BYTES + 4 * v.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(FORMAT_VERSION).put(modelHash).put(sha256(text)).putInt(v.length);
        for (float x : v) {
            buf.putFloat(x);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            // Same folder as the target, so the rename below never crosses file systems.
            tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, buf.array());
            try {
                Files.move(
                        tmp,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write text-embedding cache entry " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; a stray .tmp file is harmless to readers
                }
            }
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
