package dev.missrec.jobs.demo;

import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelCatalog;
import dev.missrec.model.eval.TrainSettings;
import dev.missrec.model.eval.TrainedScorer;
import dev.missrec.model.serve.ModelRegistry;
import dev.missrec.model.serve.RegisteredModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The demo's two model versions in the local registry: trained once per dataset and settings (with
 * a progress bar), reused by later runs. The first serves from the start, the second (another seed)
 * is published midway to show a hot swap.
 */
final class DemoModels {
    private static final String INDEX = "demo-models.properties";

    private DemoModels() {}

    /** The two versions (first, second) for {@code data}, trained now if the index lacks them. */
    static List<RegisteredModel> ensure(
            Path registryDir,
            SequenceDataset data,
            String preset,
            int epochs,
            Path scratch,
            boolean progress,
            PrintWriter out)
            throws IOException {
        ModelRegistry registry = ModelRegistry.open(registryDir);
        // the exact item table: models trained without other held-out items must not be reused
        String key =
                data.name()
                        + "-"
                        + Integer.toHexString(java.util.Arrays.hashCode(data.itemTokens()))
                        + "-"
                        + data.train().size()
                        + "-"
                        + preset
                        + "-e"
                        + epochs;
        Path index = registryDir.resolve(INDEX);
        Properties known = new Properties();
        if (Files.exists(index)) {
            try (var in = Files.newBufferedReader(index)) {
                known.load(in);
            }
        }
        String versions = known.getProperty(key);
        if (versions != null) {
            String[] v = versions.split(",");
            Optional<RegisteredModel> first = find(registry, v[0]);
            Optional<RegisteredModel> second = find(registry, v[1]);
            if (first.isPresent() && second.isPresent()) {
                out.printf(
                        "reusing models %s and %s from %s%n",
                        v[0], v[1], registryDir.toAbsolutePath());
                out.flush();
                return List.of(first.get(), second.get());
            }
        }
        RegisteredModel first = train(registry, data, preset, epochs, 1, scratch, progress, out);
        RegisteredModel second = train(registry, data, preset, epochs, 2, scratch, progress, out);
        known.setProperty(key, first.version() + "," + second.version());
        try (var w = Files.newBufferedWriter(index)) {
            known.store(w, "demo models per dataset and settings: first,second version");
        }
        return List.of(first, second);
    }

    private static Optional<RegisteredModel> find(ModelRegistry registry, String version) {
        try {
            return Optional.of(registry.get(version));
        } catch (RuntimeException e) {
            return Optional.empty(); // retained away or removed: train again
        }
    }

    private static RegisteredModel train(
            ModelRegistry registry,
            SequenceDataset data,
            String preset,
            int epochs,
            long seed,
            Path scratch,
            boolean progress,
            PrintWriter out)
            throws IOException {
        out.printf(
                "training MISSRec (%s preset, inductive, seed %d, up to %d epochs) on %s:"
                        + " %,d items, %,d training cases%n",
                preset, seed, epochs, data.name(), data.numItems() - 1, data.train().size());
        out.flush();
        Path target =
                scratch.resolve("missrec-" + data.name() + "-s" + seed + "-" + System.nanoTime());
        Files.createDirectories(scratch);
        try (TrainedScorer scorer =
                ModelCatalog.standard()
                        .trainer("missrec-inductive")
                        .fit(data, new TrainSettings(preset, seed, epochs, 2, progress))) {
            ModelCatalog.standard()
                    .artifactsForKind("missrec")
                    .save(
                            scorer,
                            target,
                            new DataDescription(
                                    data.name(), data.numUsers(), data.numItems(), 0, null),
                            Map.of());
        }
        RegisteredModel published = registry.publishCopy(target);
        out.printf("published %s%n", published.version());
        out.flush();
        return published;
    }
}
