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
 * Model loading for the RecommendJob from a real registry with real (small, trained) SASRec and
 * MISSRec artifacts: the announced version is served only when it is inside the registry, its
 * manifest matches the announcement and its item table and feature sizes fit the served catalog.
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
    void shouldRefuseAModelWhoseItemTableDoesNotFitTheCatalog() throws Exception {
        TrainedRegistry other = TrainedRegistry.create(tmp.resolve("other-items"), 0);
        RegisteredModel misfit =
                other.publishVariant(
                        tmp.resolve("other-items"), "sasrec", TrainedRegistry.ITEMS - 10, 32);
        ModelRef ref = new ModelRef(misfit.version(), misfit.version(), misfit.manifestSha256());
        assertThatThrownBy(() -> factoryOn(other).create(ref))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "model v000001 does not fit the served catalog: its item table has")
                .hasMessageEndingWith(
                        "catalog " + other.data().name() + " has " + other.data().numItems());
    }

    @Test
    void shouldRefuseAModelWhoseFeatureSizeDoesNotFitTheCatalog() throws Exception {
        TrainedRegistry other = TrainedRegistry.create(tmp.resolve("other-features"), 0);
        RegisteredModel misfit =
                other.publishVariant(
                        tmp.resolve("other-features"),
                        "missrec-inductive",
                        TrainedRegistry.ITEMS,
                        TrainedRegistry.FEATURE_DIM / 2);
        ModelRef ref = new ModelRef(misfit.version(), misfit.version(), misfit.manifestSha256());
        assertThatThrownBy(() -> factoryOn(other).create(ref))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not fit the served catalog")
                .hasMessageContaining("it reads 16-dimensional text features")
                .hasMessageContaining("has 32-dimensional ones");
    }

    @Test
    void shouldServeAFeatureModelWhoseSizesFitTheCatalog() throws Exception {
        TrainedRegistry other = TrainedRegistry.create(tmp.resolve("fitting-features"), 0);
        RegisteredModel fits =
                other.publishVariant(
                        tmp.resolve("fitting-features"),
                        "missrec-inductive",
                        TrainedRegistry.ITEMS,
                        TrainedRegistry.FEATURE_DIM);
        ModelRef ref = new ModelRef(fits.version(), fits.version(), fits.manifestSha256());
        try (BatchRecommender r = factoryOn(other).create(ref)) {
            assertThat(r.modelVersion()).isEqualTo(fits.version());
            String[] tokens = other.data().itemTokens();
            assertThat(r.recommend(List.<String[]>of(new String[] {tokens[1]}), 3).get(0).itemIds())
                    .hasSize(3);
        }
    }

    private static RegistryRecommenderFactory factoryOn(TrainedRegistry r) {
        return new RegistryRecommenderFactory(
                r.registryDir().toString(), null, r.datasetDir().toString(), false);
    }

    @Test
    void shouldRefuseALocationOutsideTheRegistry() {
        ModelRef ref = new ModelRef("v9", "../sasrec-1", v1.manifestSha256());
        assertThatThrownBy(() -> factory(null).create(ref))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("outside the registry");
    }
}
