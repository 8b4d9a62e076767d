package dev.missrec.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.schemas.serde.TestRecords.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Guards the shipped schema history: an incompatible or unrecorded change fails the build. */
class SchemaHistoryTest {
    private static final Path HISTORY_SOURCES =
            Path.of("src", "main", "resources", SchemaHistory.ROOT);

    static Stream<Kind<?>> kinds() {
        return TestRecords.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldReadEveryHistoricalVersionWithTheCurrentSchema(Kind<?> kind) {
        Schema current = kind.schema();
        for (SchemaVersion version : SchemaHistory.of(kind.type()).versions()) {
            SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, version.schema());
            assertThat(result.getType())
                    .as(
                            "the current %s schema must read data written with %s:%s",
                            kind, version.label(), AvroValueSerde.describe(current, result))
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldRecordTheCurrentSchemaAsTheLatestHistoryVersion(Kind<?> kind) throws IOException {
        Schema current = kind.schema();
        SchemaHistory history = SchemaHistory.of(kind.type());
        if (!history.latest().schema().equals(current)) {
            // Leave the file to add next to the failure, so the fix is one copy.
            int next = history.latest().version() + 1;
            Path proposal =
                    Path.of(
                            "target",
                            "schema-history-proposed",
                            kind.toString(),
                            "v" + next + ".avsc");
            Files.createDirectories(proposal.getParent());
            Files.writeString(proposal, current.toString(true) + "\n");
            throw new AssertionError(
                    kind
                            + " changed since "
                            + history.latest().label()
                            + ": if the change is intended, copy "
                            + proposal.toAbsolutePath()
                            + " to "
                            + HISTORY_SOURCES
                                    .resolve(kind.toString())
                                    .resolve("v" + next + ".avsc"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldNumberHistoryFilesConsecutivelyFromOne(Kind<?> kind) throws IOException {
        Path folder = HISTORY_SOURCES.resolve(kind.toString());
        List<String> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
        int count = SchemaHistory.of(kind.type()).versions().size();

        // A gap (v1, v3) would silently hide every version after it from the decoder.
        assertThat(files)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, count).mapToObj(v -> "v" + v + ".avsc").toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <T extends SpecificRecord> void shouldDecodeRandomDataWrittenWithEveryHistoricalVersion(
            Kind<T> kind) {
        for (SchemaVersion version : SchemaHistory.of(kind.type()).versions()) {
            assertThat(kind.serde().knownWriterSchemas()).containsKey(version.fingerprint());
            BinaryMessageEncoder<Object> writer =
                    new BinaryMessageEncoder<>(GenericData.get(), version.schema());
            for (Object datum : new RandomData(GenericData.get(), version.schema(), 200, 11L)) {
                byte[] bytes;
                try {
                    bytes = writer.encode(datum).array();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                T decoded = kind.serde().deserialize(bytes);
                assertThat(decoded).isInstanceOf(kind.type());
                // What was decoded is a complete, valid record of the current schema.
                assertThat(kind.serde().deserialize(kind.serde().serialize(decoded)))
                        .isEqualTo(decoded);
            }
        }
    }

    @Test
    void shouldFailClearlyForARecordWithoutHistory() {
        assertThatThrownBy(
                        () ->
                                SchemaHistory.load(
                                        "dev.missrec.schemas.NoSuchRecord",
                                        getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema-history/NoSuchRecord/v1.avsc");
    }
}
