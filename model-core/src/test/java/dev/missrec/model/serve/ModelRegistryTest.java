package dev.missrec.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.model.artifact.ArtifactWriter;
import dev.missrec.model.artifact.DataDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir Path root;
    @TempDir Path elsewhere;

    private static RegisteredModel publish(ModelRegistry registry, float value) {
        try (ArtifactWriter w = registry.newWriter("test")) {
            w.setConfig(Map.of("value", value))
                    .setData(new DataDescription("synthetic", 1, 2, 3, null))
                    .putFloats("weights.bin", new float[] {value, value}, 2);
            return registry.publish(w);
        }
    }

    @Test
    void shouldPublishNumberedVersionsAndListThemOldestFirst() {
        ModelRegistry registry = ModelRegistry.open(root);
        assertThat(registry.latest()).isEmpty();
        RegisteredModel v1 = publish(registry, 1f);
        RegisteredModel v2 = publish(registry, 2f);

        assertThat(v1.version()).isEqualTo("v000001");
        assertThat(v2.version()).isEqualTo("v000002");
        assertThat(registry.list())
                .extracting(RegisteredModel::version)
                .containsExactly("v000001", "v000002");
        assertThat(registry.latest())
                .get()
                .extracting(RegisteredModel::version)
                .isEqualTo("v000002");
        assertThat(v2.manifestSha256()).hasSize(64).isNotEqualTo(v1.manifestSha256());
        // nothing is left behind in staging
        assertThat(root.resolve(".staging")).isEmptyDirectory();
    }

    @Test
    void shouldRefuseLocationsOutsideTheRoot() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        publish(registry, 1f);
        assertThat(registry.resolve("v000001")).isEqualTo(root.toRealPath().resolve("v000001"));

        assertThatThrownBy(() -> registry.resolve("../v000001"))
                .hasMessageContaining("outside the registry");
        assertThatThrownBy(() -> registry.resolve(elsewhere.toString()))
                .hasMessageContaining("outside the registry");
        assertThatThrownBy(() -> registry.resolve("v000001/weights.bin"))
                .hasMessageContaining("not a version directory");
        assertThatThrownBy(() -> registry.resolve("v000009"))
                .hasMessageContaining("no model version");

        // a link inside the root that points elsewhere is refused
        Files.createDirectories(elsewhere.resolve("evil"));
        Files.createSymbolicLink(root.resolve("v000002"), elsewhere.resolve("evil"));
        assertThatThrownBy(() -> registry.resolve("v000002")).hasMessageContaining("symbolic link");
        assertThat(registry.list()).extracting(RegisteredModel::version).containsExactly("v000001");
    }

    @Test
    void shouldRefuseAVersionWhoseFileWasTamperedWith() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        RegisteredModel v1 = publish(registry, 1f);
        Path weights = v1.directory().resolve("weights.bin");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[0] ^= 1;
        Files.write(weights, bytes);
        assertThatThrownBy(() -> registry.get("v000001"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("v000001")
                .hasMessageContaining("weights.bin");
    }

    @Test
    void shouldKeepTheNewestVersionsAndPinnedOnesWhenRetaining() {
        ModelRegistry registry = ModelRegistry.open(root);
        for (int i = 1; i <= 5; i++) {
            publish(registry, i);
        }
        List<String> deleted = registry.retain(2, Set.of("v000002"));
        assertThat(deleted).containsExactly("v000001", "v000003");
        assertThat(registry.list())
                .extracting(RegisteredModel::version)
                .containsExactly("v000002", "v000004", "v000005");
        assertThatThrownBy(() -> registry.retain(0, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldGiveConcurrentPublishersDistinctVersions() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.Set<String> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread thread =
                    new Thread(() -> versions.add(publish(ModelRegistry.open(root), id).version()));
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(versions).containsExactlyInAnyOrder("v000001", "v000002", "v000003", "v000004");
    }

    @Test
    void shouldPublishAVerifiedCopyOfAnArtifactDirectoryAndRefuseACorruptOne() throws Exception {
        ModelRegistry source = ModelRegistry.open(elsewhere.resolve("other"));
        RegisteredModel original = publish(source, 3f);
        ModelRegistry registry = ModelRegistry.open(root);

        RegisteredModel copy = registry.publishCopy(original.directory());
        assertThat(copy.version()).isEqualTo("v000001");
        assertThat(copy.manifestSha256()).isEqualTo(original.manifestSha256());

        Files.writeString(original.directory().resolve("weights.bin"), "garbage");
        assertThatThrownBy(() -> registry.publishCopy(original.directory()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("weights.bin");
        assertThat(registry.list()).hasSize(1);
    }
}
