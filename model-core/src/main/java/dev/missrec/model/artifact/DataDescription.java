package dev.missrec.model.artifact;

import java.util.Objects;

/**
 * What a model was trained on, recorded in the manifest so a served model can be traced to its
 * data.
 *
 * @param dataset dataset name, e.g. "Scientific"
 * @param users number of users
 * @param items number of items, PAD excluded
 * @param interactions number of interactions
 * @param range optional description of the data range (e.g. an event-time or offset interval); null
 *     when the model saw the whole dataset
 */
public record DataDescription(
        String dataset, long users, long items, long interactions, String range) {
    public DataDescription {
        Objects.requireNonNull(dataset, "dataset");
        if (dataset.isBlank()) {
            throw new IllegalArgumentException("dataset name is blank");
        }
        if (users < 0 || items < 0 || interactions < 0) {
            throw new IllegalArgumentException(
                    "negative counts: users="
                            + users
                            + " items="
                            + items
                            + " interactions="
                            + interactions);
        }
    }

    /** A description without a data range. */
    public static DataDescription of(String dataset, long users, long items, long interactions) {
        return new DataDescription(dataset, users, items, interactions, null);
    }
}
