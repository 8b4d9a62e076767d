package dev.missrec.model.artifact;

import java.util.Objects;

/**
 * A model artifact could not be written or was refused on reading; the message names the file and
 * what is wrong with it, and {@link #problem()} says which check failed.
 */
public final class ArtifactException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Problem {
        /** The manifest is missing, not valid JSON, or lacks a required field. */
        BAD_MANIFEST,
        /** The manifest declares a format version this code does not read. */
        UNSUPPORTED_FORMAT,
        /** A file listed in the manifest is absent. */
        MISSING_FILE,
        /** The directory holds a file (or folder, or link) the manifest does not list. */
        UNLISTED_FILE,
        /** A file's SHA-256 or size differs from the manifest's. */
        CHECKSUM_MISMATCH,
        /** A tensor file's shape or type differs from what the caller expects. */
        SHAPE_MISMATCH,
        /** A parameter file holds NaN or infinite values. */
        NON_FINITE_VALUES,
        /** The manifest's model kind differs from what the caller expects. */
        WRONG_KIND,
        /** A file name is not a plain name (separators, "..", reserved or odd characters). */
        BAD_NAME,
        /** The commit target already exists. */
        TARGET_EXISTS,
        /** Reading or writing failed at the file-system level. */
        IO
    }

    private final Problem problem;
    private final String fileName;

    /**
     * @param problem which check failed
     * @param fileName the offending file (relative name), or the directory when no single file is
     *     to blame
     * @param message what is wrong, naming the file
     */
    public ArtifactException(Problem problem, String fileName, String message) {
        this(problem, fileName, message, null);
    }

    public ArtifactException(Problem problem, String fileName, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.fileName = fileName;
    }

    public Problem problem() {
        return problem;
    }

    /**
     * The offending file's name inside the artifact, or the directory for whole-artifact errors.
     */
    public String fileName() {
        return fileName;
    }
}
