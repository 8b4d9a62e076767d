package dev.missrec.it.hotswap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.jobs.event.ModelRef;
import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.RegisteredModel;
import dev.missrec.model.serve.RegistryException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model loading for the RecommendJob from a real registry with real (small, trained) SASRec
 * artifacts: the announced version is served only when it is inside the registry and its manifest
 * matches the announcement.
 */
class RegistryRecommenderFactoryITCase {
    @TempDir static Path tmp;
    static TrainedRegistry registry;
    static RegisteredModel v1;
    static RegisteredModel v2;

    @BeforeAll
    static void trainAndPublishTwoVersions() throws Exception {
        registry = TrainedRegistry.create(tmp, 2);
        v1 = registry.versions().get(0);
        v2 = registry.versions().get(1);
    }

    private RegistryRecommenderFactory factory(String initialVersion) {
        return new RegistryRecommenderFactory(
                registry.registryDir().toString(),
                initialVersion,
                registry.datasetDir().toString(),
                false);
    }

    @Test
    void shouldServeTheLatestVersionOrTheConfiguredOneAtStart() throws Exception {
        try (BatchRecommender latest = factory(null).create();
                BatchRecommender first = factory("v000001").create()) {
            assertThat(latest.modelVersion()).isEqualTo("v000002");
            assertThat(first.modelVersion()).isEqualTo("v000001");
            String[] tokens = registry.data().itemTokens();
            var recs = latest.recommend(List.<String[]>of(new String[] {tokens[1], tokens[2]}), 3);
            assertThat(recs.get(0).unknownItems()).isZero();
            assertThat(recs.get(0).itemIds()).hasSize(3);
        }
    }

    @Test
    void shouldLoadAnAnnouncedVersionWhoseManifestMatches() throws Exception {
        ModelRef ref = new ModelRef(v1.version(), v1.version(), v1.manifestSha256());
        try (BatchRecommender r = factory(null).create(ref)) {
            assertThat(r.modelVersion()).isEqualTo("v000001");
        }
    }

    @Test
    void shouldRefuseAnAnnouncementWithAnotherManifestChecksum() {
        ModelRef ref = new ModelRef(v1.version(), v1.version(), v2.manifestSha256());
        assertThatThrownBy(() -> factory(null).create(ref))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("manifest SHA-256 is " + v1.manifestSha256());
    }

    @Test
    void shouldRefuseALocationOutsideTheRegistry() {
        ModelRef ref = new ModelRef("v9", "../sasrec-1", v1.manifestSha256());
        assertThatThrownBy(() -> factory(null).create(ref))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("outside the registry");
    }
}
