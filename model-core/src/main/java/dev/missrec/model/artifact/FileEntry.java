package dev.missrec.model.artifact;

import java.util.Arrays;
import java.util.Objects;

/**
 * One file of an artifact as the manifest lists it: its SHA-256 and size, and for tensor files the
 * element type and shape.
 *
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 * @param bytes file size in bytes
 * @param elementType element type of a raw little-endian tensor file, or null for other files
 * @param shape tensor shape (row-major), or null for other files
 */
public record FileEntry(String sha256, long bytes, ElementType elementType, long[] shape) {

    /** Element type of a raw tensor file (little-endian, row-major, no header). */
    public enum ElementType {
        FLOAT32(4),
        INT32(4);

        private final int size;

        ElementType(int size) {
            this.size = size;
        }

        /** Bytes per element. */
        public int size() {
            return size;
        }
    }

    public FileEntry {
        Objects.requireNonNull(sha256, "sha256");
        if ((elementType == null) != (shape == null)) {
            throw new IllegalArgumentException("elementType and shape go together");
        }
        shape = shape == null ? null : shape.clone();
    }

    /** True for raw tensor files written by the float/int helpers. */
    public boolean isTensor() {
        return elementType != null;
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileEntry e
                && sha256.equals(e.sha256)
                && bytes == e.bytes
                && elementType == e.elementType
                && Arrays.equals(shape, e.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sha256, bytes, elementType, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "FileEntry[sha256="
                + sha256
                + ", bytes="
                + bytes
                + (isTensor() ? ", " + elementType + Arrays.toString(shape) : "")
                + "]";
    }
}
