package dev.missrec.model.cli;

import dev.missrec.model.eval.TrainSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The training options shared by {@code compare} and {@code train}. */
public final class TrainingOptions {

    /** Model size presets understood by the trained models; baselines ignore them. */
    public enum Preset {
        paper,
        tiny
    }

    @Option(
            names = "--preset",
            defaultValue = "paper",
            description = "model size preset: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Preset preset;

    @Option(
            names = "--seed",
            defaultValue = "2020",
            description = "seed of every random choice (default ${DEFAULT-VALUE}, the reference's)")
    long seed;

    @Option(
            names = "--max-epochs",
            paramLabel = "N",
            defaultValue = "300",
            description = "upper bound on training epochs (default ${DEFAULT-VALUE})")
    int maxEpochs;

    @Option(
            names = "--patience",
            paramLabel = "P",
            defaultValue = "10",
            description =
                    "stop after P epochs without a better valid NDCG@10 (default ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--no-progress", description = "no progress bars")
    boolean noProgress;

    /** Refuses non-positive epoch counts as a usage error of {@code cli}. */
    void validate(CommandLine cli) {
        if (maxEpochs < 1 || patience < 1) {
            throw new ParameterException(cli, "--max-epochs and --patience must be positive");
        }
    }

    /** The settings every trainer of the run gets. */
    TrainSettings settings() {
        return new TrainSettings(preset.name(), seed, maxEpochs, patience, !noProgress);
    }
}
