package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensCsvTest {
    @TempDir Path dir;

    private List<List<String>> records(String content) throws IOException {
        Path file = dir.resolve("f.csv");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        List<List<String>> out = new ArrayList<>();
        try (MovieLensCsv csv = new MovieLensCsv(file, "test file")) {
            List<String> r;
            while ((r = csv.next()) != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void shouldKeepCommasAndDoubledQuotesInsideQuotedFields() throws IOException {
        List<List<String>> r =
                records(
                        "movieId,title,genres\n"
                                + "11,\"American President, The (1995)\",Comedy|Drama\n"
                                + "7789,\"11'09\"\"01 - September 11 (2002)\",Drama\n"
                                + "4552,\"\"\"artsy\"\"\",\n");
        assertThat(r)
                .containsExactly(
                        List.of("movieId", "title", "genres"),
                        List.of("11", "American President, The (1995)", "Comedy|Drama"),
                        List.of("7789", "11'09\"01 - September 11 (2002)", "Drama"),
                        List.of("4552", "\"artsy\"", ""));
    }

    @Test
    void shouldReadAQuotedFieldAcrossLineBreaksAndReportTheRecordsFirstLine() throws IOException {
        Path file = dir.resolve("f.csv");
        Files.writeString(file, "a,b\n\n1,\"two\r\nlines\"\n3,x\n", StandardCharsets.UTF_8);
        try (MovieLensCsv csv = new MovieLensCsv(file, "test file")) {
            assertThat(csv.next()).containsExactly("a", "b");
            assertThat(csv.next()).containsExactly("1", "two\nlines");
            assertThat(csv.line()).isEqualTo(3);
            assertThat(csv.next()).containsExactly("3", "x");
            assertThat(csv.line()).isEqualTo(5);
            assertThat(csv.next()).isNull();
        }
    }

    @Test
    void shouldKeepAQuoteInsideAnUnquotedFieldLiterally() throws IOException {
        assertThat(records("1,Bob's \"best\" tag,3\n"))
                .containsExactly(List.of("1", "Bob's \"best\" tag", "3"));
    }

    @Test
    void shouldRejectTextAfterAClosingQuoteNamingFileAndLine() {
        assertThatThrownBy(() -> records("a,b\n1,\"x\"y\n"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("f.csv:2")
                .hasMessageContaining("after the closing quote of field 2")
                .satisfies(e -> assertThat(((DatasetException) e).line()).isEqualTo(2));
    }

    @Test
    void shouldRejectAQuotedFieldThatNeverCloses() {
        assertThatThrownBy(() -> records("a,b\n1,\"never\n2,3\n"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("f.csv:2")
                .hasMessageContaining("never closed");
    }

    @Test
    void shouldNameTheMissingFile() {
        assertThatThrownBy(() -> new MovieLensCsv(dir.resolve("nope.csv"), "MovieLens ratings"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("missing MovieLens ratings")
                .hasMessageContaining("nope.csv");
    }
}
