package dev.missrec.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactRoundTripTest {

    enum Norm {
        PRE,
        POST
    }

    record DemoConfig(int hidden, double dropout, Norm norm) {}

    private static final Instant CREATED = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir Path tmp;

    @Test
    void shouldReadBackEveryFileKindAndTheManifestFields() {
        Path target = tmp.resolve("v1");
        float[] table = {1.5f, -2f, 0f, 3.25f, Float.MIN_VALUE, -0f};
        int[] lookup = {0, 7, -3, Integer.MAX_VALUE};
        try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
            w.setConfig(new DemoConfig(64, 0.25, Norm.PRE))
                    .setData(new DataDescription("Synthetic", 10, 20, 300, "events 0..299"))
                    .optMetric("valid.ndcg@10", 0.125)
                    .optParentVersion("v0")
                    .optCreatedAt(CREATED)
                    .putFloats("table.f32", table, 2, 3)
                    .putInts("lookup.i32", lookup, 4)
                    .putBytes("blob.bin", new byte[] {1, 2, 3})
                    .putLines("items.tsv", List.of("id\ttoken", "1\tA12", "2\tB7"))
                    .putJson("extra.json", Map.of("k", 3));
            w.commit(target);
        }

        ArtifactReader r = ArtifactReader.open(target);
        assertThat(r.modelKind()).isEqualTo("demo");
        assertThat(r.config(DemoConfig.class)).isEqualTo(new DemoConfig(64, 0.25, Norm.PRE));
        assertThat(r.readFloats("table.f32", 2, 3)).containsExactly(table);
        assertThat(r.readFloats("table.f32", -1, 3)).containsExactly(table);
        assertThat(r.readInts("lookup.i32", 4)).containsExactly(lookup);
        assertThat(r.readBytes("blob.bin")).containsExactly(1, 2, 3);
        assertThat(r.readLines("items.tsv")).containsExactly("id\ttoken", "1\tA12", "2\tB7");
        assertThat(r.readJson("extra.json", JsonObject.class).get("k").getAsInt()).isEqualTo(3);
        assertThat(r.fileNames())
                .containsExactly(
                        "blob.bin",
                        "config.json",
                        "extra.json",
                        "items.tsv",
                        "lookup.i32",
                        "table.f32");
        ArtifactManifest m = r.manifest();
        assertThat(m.formatVersion()).isEqualTo(ArtifactManifest.FORMAT_VERSION);
        assertThat(m.metrics()).containsExactly(Map.entry("valid.ndcg@10", 0.125));
        assertThat(m.data())
                .isEqualTo(new DataDescription("Synthetic", 10, 20, 300, "events 0..299"));
        assertThat(m.createdAt()).isEqualTo(CREATED);
        assertThat(m.parentVersion()).isEqualTo("v0");
        assertThat(m.files().get("table.f32").shape()).containsExactly(2, 3);
        // the manifest's hash is the SHA-256 of the bytes on disk, computed independently here
        assertThat(m.files().get("blob.bin").sha256())
                .isEqualTo("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
    }

    @Test
    void shouldWriteTheManifestFieldsScriptsRelyOn() throws IOException {
        Path target = tmp.resolve("v1");
        commitSmall(target);
        JsonObject json =
                JsonParser.parseString(Files.readString(target.resolve("manifest.json")))
                        .getAsJsonObject();
        assertThat(json.keySet())
                .contains(
                        "format_version",
                        "model_kind",
                        "created_at",
                        "config",
                        "files",
                        "metrics",
                        "data");
        assertThat(
                        json.getAsJsonObject("files")
                                .getAsJsonObject("table.f32")
                                .get("sha256")
                                .getAsString())
                .hasSize(64);
        assertThat(json.get("created_at").getAsString()).isEqualTo("2026-11-30T08:00:00Z");
    }

    @Test
    void shouldRoundTripBlockParametersExactly() {
        Path target = tmp.resolve("v1");
        try (NDManager m = NDManager.newBaseManager()) {
            Block saved = initialisedLinear(m, 5);
            try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
                w.setConfig(new DemoConfig(5, 0, Norm.POST))
                        .setData(DataDescription.of("x", 1, 1, 1))
                        .putParameters("parameters.bin", saved);
                w.commit(target);
            }
            Block loaded = Linear.builder().setUnits(5).build();
            loaded.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            ArtifactReader.open(target).loadParameters("parameters.bin", loaded, m);
            NDArray x = m.create(new float[] {0.5f, -1f, 2f}, new Shape(1, 3));
            float[] a = forward(saved, x).toFloatArray();
            float[] b = forward(loaded, x).toFloatArray();
            assertThat(b).containsExactly(a);
        }
    }

    @Test
    void shouldRefuseParametersOfAnotherShapeNamingTheParameter() {
        Path target = tmp.resolve("v1");
        try (NDManager m = NDManager.newBaseManager()) {
            try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
                w.setConfig(new DemoConfig(5, 0, Norm.POST))
                        .setData(DataDescription.of("x", 1, 1, 1))
                        .putParameters("parameters.bin", initialisedLinear(m, 5));
                w.commit(target);
            }
            Block other = Linear.builder().setUnits(4).build();
            other.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            ArtifactReader r = ArtifactReader.open(target);
            assertThatThrownBy(() -> r.loadParameters("parameters.bin", other, m))
                    .isInstanceOfSatisfying(
                            ArtifactException.class,
                            e -> {
                                assertThat(e.problem())
                                        .isEqualTo(ArtifactException.Problem.SHAPE_MISMATCH);
                                assertThat(e.fileName()).isEqualTo("parameters.bin");
                            })
                    .hasMessageContaining("parameters.bin")
                    .hasMessageContaining("weight")
                    .hasMessageContaining("[5, 3]")
                    .hasMessageContaining("[4, 3]");
        }
    }

    @Test
    void shouldRefuseParametersHoldingNaN() {
        Path target = tmp.resolve("v1");
        try (NDManager m = NDManager.newBaseManager()) {
            Block saved = initialisedLinear(m, 2);
            saved.getParameters().get("bias").getArray().set(new float[] {0f, Float.NaN});
            try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
                w.setConfig(new DemoConfig(2, 0, Norm.POST))
                        .setData(DataDescription.of("x", 1, 1, 1))
                        .putParameters("parameters.bin", saved);
                w.commit(target);
            }
            Block loaded = Linear.builder().setUnits(2).build();
            loaded.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            ArtifactReader r = ArtifactReader.open(target);
            assertThatThrownBy(() -> r.loadParameters("parameters.bin", loaded, m))
                    .isInstanceOfSatisfying(
                            ArtifactException.class,
                            e ->
                                    assertThat(e.problem())
                                            .isEqualTo(ArtifactException.Problem.NON_FINITE_VALUES))
                    .hasMessageContaining("parameters.bin")
                    .hasMessageContaining("bias")
                    .hasMessageContaining("NaN");
        }
    }

    @Test
    void shouldRefuseToOverwriteAnExistingTarget() throws IOException {
        Path target = tmp.resolve("v1");
        Files.createDirectory(target);
        try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
            w.setConfig(new DemoConfig(1, 0, Norm.PRE)).setData(DataDescription.of("x", 1, 1, 1));
            assertThatThrownBy(() -> w.commit(target))
                    .isInstanceOfSatisfying(
                            ArtifactException.class,
                            e ->
                                    assertThat(e.problem())
                                            .isEqualTo(ArtifactException.Problem.TARGET_EXISTS))
                    .hasMessageContaining(target.toString());
        }
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void shouldLeaveNothingBehindWhenClosedWithoutCommit() throws IOException {
        Path staging = tmp.resolve("staging");
        try (ArtifactWriter w = ArtifactWriter.create("demo", staging)) {
            w.putBytes("a.bin", new byte[10]);
        }
        try (Stream<Path> s = Files.list(staging)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void shouldCommitAcrossDirectoriesAndCleanTheStaging() throws IOException {
        Path staging = tmp.resolve("staging");
        Path target = tmp.resolve("registry").resolve("v7");
        try (ArtifactWriter w = ArtifactWriter.create("demo", staging)) {
            w.setConfig(new DemoConfig(1, 0, Norm.PRE))
                    .setData(DataDescription.of("x", 1, 1, 1))
                    .putFloats("t.f32", new float[] {1, 2}, 2);
            w.commit(target);
        }
        assertThat(ArtifactReader.open(target).readFloats("t.f32", 2)).containsExactly(1f, 2f);
        try (Stream<Path> s = Files.list(staging)) {
            assertThat(s).isEmpty();
        }
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("v7");
        }
    }

    @Test
    void shouldRefuseNamesThatAreNotPlainFileNames() {
        try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
            for (String bad :
                    List.of(
                            "../x",
                            "a/b",
                            "..",
                            ".hidden",
                            "a..b",
                            "manifest.json",
                            "config.json",
                            "",
                            "a\\b")) {
                assertThatThrownBy(() -> w.putBytes(bad, new byte[1]))
                        .as(bad)
                        .isInstanceOfSatisfying(
                                ArtifactException.class,
                                e ->
                                        assertThat(e.problem())
                                                .isEqualTo(ArtifactException.Problem.BAD_NAME));
            }
            w.putBytes("ok.bin", new byte[1]);
            assertThatThrownBy(() -> w.putBytes("ok.bin", new byte[1]))
                    .hasMessageContaining("ok.bin was already added");
        }
    }

    @Test
    void shouldRefuseAFloatArrayThatDoesNotFitItsShape() {
        try (ArtifactWriter w = ArtifactWriter.create("demo", tmp)) {
            assertThatThrownBy(() -> w.putFloats("t.f32", new float[5], 2, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("t.f32")
                    .hasMessageContaining("[2, 3]");
        }
    }

    static void commitSmall(Path target) {
        try (ArtifactWriter w = ArtifactWriter.create("demo", target.getParent())) {
            w.setConfig(new DemoConfig(8, 0.5, Norm.POST))
                    .setData(DataDescription.of("Synthetic", 3, 4, 5))
                    .optMetric("test.ndcg@10", 0.5)
                    .optCreatedAt(CREATED)
                    .putFloats("table.f32", new float[] {1, 2, 3, 4, 5, 6}, 3, 2)
                    .putInts("lookup.i32", new int[] {0, 1, 1}, 3)
                    .putLines("items.tsv", List.of("1\tA", "2\tB"));
            w.commit(target);
        }
    }

    private static Block initialisedLinear(NDManager m, int units) {
        Block b = Linear.builder().setUnits(units).build();
        b.initialize(m, DataType.FLOAT32, new Shape(1, 3));
        // deterministic non-trivial values
        for (var p : b.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (i % 7) * 0.125f - 0.3f;
            }
            a.set(v);
        }
        return b;
    }

    private static NDArray forward(Block b, NDArray x) {
        return b.forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
                .singletonOrThrow();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
