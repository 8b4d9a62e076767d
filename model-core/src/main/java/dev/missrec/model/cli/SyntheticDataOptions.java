package dev.missrec.model.cli;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The size and seed options of a generated dataset, shared by every command that takes one. */
public final class SyntheticDataOptions {

    @Option(
            names = "--synthetic-users",
            paramLabel = "N",
            defaultValue = "300",
            description = "users of the generated dataset (default ${DEFAULT-VALUE})")
    int users;

    @Option(
            names = "--synthetic-items",
            paramLabel = "N",
            defaultValue = "200",
            description = "items of the generated dataset (default ${DEFAULT-VALUE})")
    int items;

    @Option(
            names = "--synthetic-topics",
            paramLabel = "N",
            defaultValue = "10",
            description = "latent topics of the generated dataset (default ${DEFAULT-VALUE})")
    int topics;

    @Option(
            names = "--synthetic-dim",
            paramLabel = "P",
            defaultValue = "32",
            description = "feature size of the generated dataset (default ${DEFAULT-VALUE})")
    int featureDim;

    @Option(
            names = "--synthetic-seed",
            paramLabel = "S",
            defaultValue = "42",
            description =
                    "seed of the generated dataset, independent of the training seed (default"
                            + " ${DEFAULT-VALUE})")
    long seed;

    /** The generator's seed. */
    public long seed() {
        return seed;
    }

    /** The feature size P of both generated modalities. */
    public int featureDim() {
        return featureDim;
    }

    /** Refuses sizes the generator cannot honour, as a usage error of {@code cli}. */
    public void validate(CommandLine cli) {
        if (users < 1 || featureDim < 1 || topics < 1 || items < Math.max(2, topics)) {
            throw new ParameterException(
                    cli,
                    "--synthetic-users, --synthetic-dim and --synthetic-topics must be >= 1 and"
                            + " --synthetic-items >= max(2, topics)");
        }
    }

    /** Generates the dataset, histories truncated to {@code maxHistory} items. */
    public SequenceDataset generate(int maxHistory) {
        return new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.builder()
                                .optUsers(users)
                                .optItems(items)
                                .optTopics(topics)
                                .optFeatureDim(featureDim)
                                .optMaxHistory(maxHistory)
                                .optSeed(seed)
                                .build())
                .generate();
    }
}
