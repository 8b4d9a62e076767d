package dev.missrec.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damaged artifact is refused, with the file and the problem named. */
class ArtifactVerificationTest {

    @TempDir Path tmp;
    private Path dir;

    @BeforeEach
    void commit() {
        dir = tmp.resolve("v1");
        ArtifactRoundTripTest.commitSmall(dir);
        assertThat(ArtifactReader.open(dir).readFloats("table.f32", 3, 2)).hasSize(6);
    }

    @Test
    void shouldRefuseAFileWithOneByteFlippedNamingTheFile() throws IOException {
        flipByte(dir.resolve("table.f32"), 5);
        refused(ArtifactException.Problem.CHECKSUM_MISMATCH, "table.f32")
                .withMessageContaining("table.f32 is corrupted")
                .withMessageContaining("SHA-256");
    }

    @Test
    void shouldRefuseAFileChangedAfterItWasOpened() throws IOException {
        ArtifactReader r = ArtifactReader.open(dir);
        flipByte(dir.resolve("lookup.i32"), 0);
        assertThatThrownBy(() -> r.readInts("lookup.i32", 3))
                .isInstanceOfSatisfying(
                        ArtifactException.class,
                        e -> {
                            assertThat(e.problem())
                                    .isEqualTo(ArtifactException.Problem.CHECKSUM_MISMATCH);
                            assertThat(e.fileName()).isEqualTo("lookup.i32");
                        });
    }

    @Test
    void shouldRefuseATruncatedFileNamingItsSize() throws IOException {
        byte[] b = Files.readAllBytes(dir.resolve("table.f32"));
        Files.write(dir.resolve("table.f32"), java.util.Arrays.copyOf(b, b.length - 4));
        refused(ArtifactException.Problem.CHECKSUM_MISMATCH, "table.f32")
                .withMessageContaining("20 bytes, the manifest says 24");
    }

    @Test
    void shouldRefuseAWrongShapeNamingExpectedAndActual() {
        ArtifactReader r = ArtifactReader.open(dir);
        assertThatThrownBy(() -> r.readFloats("table.f32", 2, 3))
                .isInstanceOfSatisfying(
                        ArtifactException.class,
                        e -> {
                            assertThat(e.problem())
                                    .isEqualTo(ArtifactException.Problem.SHAPE_MISMATCH);
                            assertThat(e.fileName()).isEqualTo("table.f32");
                        })
                .hasMessage("table.f32 has shape FLOAT32[3, 2], expected FLOAT32[2, 3]");
        assertThatThrownBy(() -> r.readInts("table.f32", 3, 2))
                .hasMessageContaining("expected INT32[3, 2]");
        assertThatThrownBy(() -> r.readFloats("table.f32", 3))
                .hasMessageContaining("expected FLOAT32[3]");
    }

    @Test
    void shouldRefuseAMissingFileNamingIt() throws IOException {
        Files.delete(dir.resolve("items.tsv"));
        refused(ArtifactException.Problem.MISSING_FILE, "items.tsv")
                .withMessageContaining("items.tsv is listed in the manifest but missing");
    }

    @Test
    void shouldRefuseAnUnlistedFileNamingIt() throws IOException {
        Files.writeString(dir.resolve("extra.bin"), "x");
        refused(ArtifactException.Problem.UNLISTED_FILE, "extra.bin")
                .withMessageContaining("not listed in the manifest");
    }

    @Test
    void shouldRefuseASymbolicLinkEvenWhenListed() throws IOException {
        Path outside = tmp.resolve("outside.tsv");
        Files.copy(dir.resolve("items.tsv"), outside);
        Files.delete(dir.resolve("items.tsv"));
        Files.createSymbolicLink(dir.resolve("items.tsv"), outside);
        refused(ArtifactException.Problem.UNLISTED_FILE, "items.tsv")
                .withMessageContaining("not a regular file");
    }

    @Test
    void shouldRefuseAManifestWhoseChecksumWasEdited() throws IOException {
        String sha = ArtifactReader.open(dir).manifest().files().get("items.tsv").sha256();
        String other = sha.substring(0, 63) + (sha.charAt(63) == '0' ? '1' : '0');
        editManifest(sha, other);
        refused(ArtifactException.Problem.CHECKSUM_MISMATCH, "items.tsv")
                .withMessageContaining("manifest says " + other);
    }

    @Test
    void shouldRefuseAManifestWhoseConfigWasEdited() throws IOException {
        editManifest("\"hidden\": 8", "\"hidden\": 9");
        refused(ArtifactException.Problem.BAD_MANIFEST, "manifest.json")
                .withMessageContaining("differs from config.json");
    }

    @Test
    void shouldRefuseAManifestThatDropsAFile() throws IOException {
        String json = Files.readString(dir.resolve("manifest.json"));
        com.google.gson.JsonObject o =
                com.google.gson.JsonParser.parseString(json).getAsJsonObject();
        o.getAsJsonObject("files").remove("lookup.i32");
        Files.writeString(dir.resolve("manifest.json"), o.toString());
        refused(ArtifactException.Problem.UNLISTED_FILE, "lookup.i32");
    }

    @Test
    void shouldRefuseAManifestListingAPathOutsideTheDirectory() throws IOException {
        String json = Files.readString(dir.resolve("manifest.json"));
        Files.writeString(dir.resolve("manifest.json"), json.replace("\"items.tsv\"", "\"../v0\""));
        refused(ArtifactException.Problem.BAD_NAME, "../v0");
    }

    @Test
    void shouldRefuseAManifestThatIsNotJson() throws IOException {
        Files.writeString(dir.resolve("manifest.json"), "{\"format_version\": 1, ");
        refused(ArtifactException.Problem.BAD_MANIFEST, "manifest.json")
                .withMessageContaining("not valid JSON");
    }

    @Test
    void shouldRefuseAMissingManifest() throws IOException {
        Files.delete(dir.resolve("manifest.json"));
        refused(ArtifactException.Problem.BAD_MANIFEST, "manifest.json")
                .withMessageContaining("manifest.json is missing");
    }

    @Test
    void shouldRefuseAnUnsupportedFormatVersion() throws IOException {
        editManifest("\"format_version\": 1", "\"format_version\": 2");
        refused(ArtifactException.Problem.UNSUPPORTED_FORMAT, "manifest.json")
                .withMessageContaining("format_version 2")
                .withMessageContaining("only version 1");
    }

    @Test
    void shouldRefuseATensorEntryWhoseShapeDisagreesWithItsSize() throws IOException {
        editManifest(
                "\"shape\": [\n        3,\n        2\n      ]",
                "\"shape\": [\n        2,\n        2\n      ]");
        refused(ArtifactException.Problem.BAD_MANIFEST, "table.f32")
                .withMessageContaining("FLOAT32[2, 2] but with 24 bytes");
    }

    @Test
    void shouldRefuseTheWrongModelKind() {
        assertThatThrownBy(() -> ArtifactReader.open(dir).requireKind("sasrec"))
                .isInstanceOfSatisfying(
                        ArtifactException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(ArtifactException.Problem.WRONG_KIND))
                .hasMessageContaining("'demo' model, expected 'sasrec'");
    }

    private ThrowableAssertAlternative<ArtifactException> refused(
            ArtifactException.Problem problem, String file) {
        return org.assertj.core.api.Assertions.assertThatExceptionOfType(ArtifactException.class)
                .isThrownBy(() -> ArtifactReader.open(dir))
                .satisfies(
                        e -> {
                            assertThat(e.problem()).isEqualTo(problem);
                            assertThat(e.fileName()).isEqualTo(file);
                            assertThat(e.getMessage()).contains(file);
                        });
    }

    private void editManifest(String from, String to) throws IOException {
        Path m = dir.resolve("manifest.json");
        String json = Files.readString(m, StandardCharsets.UTF_8);
        assertThat(json).contains(from);
        Files.writeString(m, json.replace(from, to), StandardCharsets.UTF_8);
    }

    private static void flipByte(Path file, int index) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[index] ^= 0x01;
        Files.write(file, b);
    }
}
