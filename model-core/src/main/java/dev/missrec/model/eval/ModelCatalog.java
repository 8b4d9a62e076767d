package dev.missrec.model.eval;

import dev.missrec.model.baseline.ContentSimilarity;
import dev.missrec.model.baseline.MarkovChain;
import dev.missrec.model.baseline.MostPopular;
import dev.missrec.model.missrec.MissRecArtifacts;
import dev.missrec.model.missrec.MissRecTrainer;
import dev.missrec.model.missrec.TrainStage;
import dev.missrec.model.sasrec.SasRecArtifacts;
import dev.missrec.model.sasrec.SasRecTrainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place that maps a model name of {@code compare --models} to its {@link ScorerTrainer}.
 */
public final class ModelCatalog {
    private final Map<String, Supplier<ScorerTrainer>> trainers = new LinkedHashMap<>();
    private final Map<String, ModelArtifacts> artifacts = new LinkedHashMap<>();

    /** An empty catalog; most callers want {@link #standard()}. */
    public ModelCatalog() {}

    /** Every model of the product, under the names the CLI and the JSON reports use. */
    public static ModelCatalog standard() {
        ModelCatalog catalog = new ModelCatalog();
        catalog.register("pop", MostPopular::new);
        catalog.register("markov", MarkovChain::new);
        catalog.register("markov-plus", MarkovChain::extended);
        catalog.register("content", ContentSimilarity::new);
        catalog.register("content-plus", ContentSimilarity::extended);
        // ---- Registration point for the trained models ----------------------------------------
        // missrec-inductive and missrec-transductive (dev.missrec.model.missrec) and sasrec
        // (dev.missrec.model.sasrec) register here, one line each; with a ModelArtifacts the model
        // can also be saved by `train` and loaded by `eval`:
        //     catalog.register("sasrec", SasRecTrainer::new, new SasRecArtifacts());
        // ------------------------------------------------------------------------------------------
        catalog.register("sasrec", SasRecTrainer::new, new SasRecArtifacts());
        catalog.register(
                "missrec-inductive",
                () -> new MissRecTrainer(TrainStage.INDUCTIVE),
                new MissRecArtifacts());
        catalog.register(
                "missrec-transductive",
                () -> new MissRecTrainer(TrainStage.TRANSDUCTIVE),
                new MissRecArtifacts());
        // popularity-neutral training for catalogs with new items (MissRecConfig#logitAdjustment)
        catalog.register(
                "missrec-inductive-debiased",
                () ->
                        new MissRecTrainer(
                                TrainStage.INDUCTIVE,
                                c -> c.toBuilder().optLogitAdjustment(0.5f).build()),
                new MissRecArtifacts());
        // the same, with the strength chosen without test: on the validation events of held-out
        // items (needs compare --cold-start-fraction); every strength is trained in full
        catalog.register(
                "missrec-inductive-coldtuned",
                () -> {
                    Map<String, ScorerTrainer> grid = new LinkedHashMap<>();
                    for (float strength : new float[] {0f, 0.25f, 0.5f, 1f}) {
                        grid.put(
                                "logit adjustment " + strength,
                                new MissRecTrainer(
                                        TrainStage.INDUCTIVE,
                                        c -> c.toBuilder().optLogitAdjustment(strength).build()));
                    }
                    return new ColdValidatedTrainer(grid, System.err);
                });
        return catalog;
    }

    /**
     * Adds {@code name}; a fresh trainer is created for every lookup, so trainers may keep state.
     *
     * @throws IllegalArgumentException if the name is already registered
     */
    public ModelCatalog register(String name, Supplier<ScorerTrainer> trainer) {
        Objects.requireNonNull(trainer, "trainer");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (trainers.putIfAbsent(name, trainer) != null) {
            throw new IllegalArgumentException("model " + name + " is already registered");
        }
        return this;
    }

    /**
     * Adds {@code name} with a way to save and load its trained scorers as artifacts.
     *
     * @throws IllegalArgumentException if the name is already registered
     */
    public ModelCatalog register(
            String name, Supplier<ScorerTrainer> trainer, ModelArtifacts modelArtifacts) {
        Objects.requireNonNull(modelArtifacts, "modelArtifacts");
        register(name, trainer);
        artifacts.put(name, modelArtifacts);
        return this;
    }

    /** How to save and load {@code name}'s scorers, if it can be saved at all. */
    public Optional<ModelArtifacts> artifacts(String name) {
        return Optional.ofNullable(artifacts.get(name));
    }

    /** The names whose scorers can be saved as artifacts, in registration order. */
    public List<String> savableNames() {
        return List.copyOf(artifacts.keySet());
    }

    /**
     * The loader for artifacts of model kind {@code kind} (as written in a manifest).
     *
     * @throws IllegalArgumentException if no registered model writes that kind
     */
    public ModelArtifacts artifactsForKind(String kind) {
        List<String> kinds = new java.util.ArrayList<>();
        for (ModelArtifacts a : artifacts.values()) {
            if (a.kind().equals(kind)) {
                return a;
            }
            kinds.add(a.kind());
        }
        throw new IllegalArgumentException(
                "no loader for model kind '"
                        + kind
                        + "'; loadable kinds: "
                        + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
    }

    /** The registered names, in registration order. */
    public List<String> names() {
        return List.copyOf(trainers.keySet());
    }

    /** Whether {@code name} is registered. */
    public boolean contains(String name) {
        return trainers.containsKey(name);
    }

    /**
     * A new trainer for {@code name}.
     *
     * @throws UnknownModelException if the name is not registered; the message lists the known ones
     */
    public ScorerTrainer trainer(String name) {
        Supplier<ScorerTrainer> s = trainers.get(name);
        if (s == null) {
            throw new UnknownModelException(name, names());
        }
        return s.get();
    }

    /** Checks every name before anything is trained, so a typo fails fast. */
    public void requireAll(List<String> models) {
        for (String m : models) {
            if (!trainers.containsKey(m)) {
                throw new UnknownModelException(m, names());
            }
        }
    }

    /** A model name the catalog does not know. */
    public static final class UnknownModelException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownModelException(String name, List<String> known) {
            super("unknown model '" + name + "'; known models: " + String.join(", ", known));
        }
    }
}
