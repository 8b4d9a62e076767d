package dev.missrec.model.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A dataset that cannot be read as asked: a missing file, a malformed line, a token out of range or
 * a feature file of the wrong size. The message names the file (and line, where there is one).
 */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    private DatasetException(Path file, long line, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
    }

    /** A required file that does not exist. */
    public static DatasetException missingFile(Path file, String what) {
        return new DatasetException(file, 0, "missing " + what + ": " + file, null);
    }

    /** A problem with one line of a text file ({@code line} is 1-based, the header is line 1). */
    public static DatasetException badLine(Path file, long line, String problem) {
        return new DatasetException(file, line, file + ":" + line + ": " + problem, null);
    }

    /** A problem with a whole file. */
    public static DatasetException badFile(Path file, String problem) {
        return new DatasetException(file, 0, file + ": " + problem, null);
    }

    /** An I/O failure while reading {@code file}. */
    public static DatasetException unreadable(Path file, Throwable cause) {
        return new DatasetException(file, 0, "cannot read " + file + ": " + cause, cause);
    }

    /** A problem not tied to one file (e.g. a bad option). */
    public static DatasetException invalid(String problem) {
        return new DatasetException(null, 0, problem, null);
    }

    /** The offending file, when the problem is in one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based offending line, or 0 when the problem is not tied to a line. */
    public long line() {
        return line;
    }
}
