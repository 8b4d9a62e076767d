package dev.missrec.model.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of a MovieLens CSV file as RFC 4180 defines them: comma-separated fields, a
 * field in double quotes may hold commas, line breaks and doubled quotes ({@code ""} for one
 * quote), as titles like {@code "American President, The (1995)"} and tags like {@code """artsy"""}
 * do.
 *
 * <p>A quote inside an unquoted field is kept as a literal character (Python's csv module reads
 * such fields the same way); text after a closing quote other than a comma, or a quoted field that
 * never closes, is a malformed line. Blank lines are skipped. Errors name the file and the line on
 * which the record starts.
 */
final class MovieLensCsv implements Closeable {
    private final Path file;
    private final BufferedReader in;
    private long lineNo;
    private long recordLine;

    /**
     * Opens {@code file} (UTF-8).
     *
     * @throws DatasetException if the file does not exist or cannot be opened
     */
    MovieLensCsv(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw DatasetException.missingFile(file, what);
        }
        this.file = file;
        try {
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
    }

    /** The file being read. */
    Path file() {
        return file;
    }

    /** The 1-based line on which the record last returned by {@link #next()} starts. */
    long line() {
        return recordLine;
    }

    /**
     * The next record's fields, or null at the end of the file.
     *
     * @throws DatasetException for a malformed record or an I/O error
     */
    List<String> next() {
        String line;
        do {
            line = readLine();
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        recordLine = lineNo;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                // Quoted field: runs to the next quote not doubled, across line breaks.
                i++;
                while (true) {
                    if (i == line.length()) {
                        String more = readLine();
                        if (more == null) {
                            throw DatasetException.badLine(
                                    file, recordLine, "quoted field is never closed");
                        }
                        field.append('\n');
                        line = more;
                        i = 0;
                        continue;
                    }
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.append(c);
                    i++;
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw DatasetException.badLine(
                            file,
                            recordLine,
                            "unexpected '"
                                    + line.charAt(i)
                                    + "' after the closing quote of field "
                                    + (fields.size() + 1));
                }
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? line.length() : comma;
                field.append(line, i, end);
                i = end;
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++; // the comma; a trailing comma means one more, empty, field
            if (i == line.length()) {
                fields.add("");
                return fields;
            }
        }
    }

    private String readLine() {
        try {
            String line = in.readLine();
            if (line != null) {
                lineNo++;
            }
            return line;
        } catch (CharacterCodingException e) {
            throw DatasetException.badLine(file, lineNo + 1, "not valid UTF-8");
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
    }
}
