package dev.missrec.model.eval;

import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves one model family's trained scorers as artifact directories ({@code
 * dev.missrec.model.artifact}) and loads them back, for the {@code train} and {@code eval}
 * commands. Registered in {@link ModelCatalog} next to the family's trainer.
 */
public interface ModelArtifacts {

    /** The model kind written in the manifest, e.g. "sasrec"; selects this loader on reading. */
    String kind();

    /**
     * Saves {@code scorer}, which this family's trainer made, to {@code target} (which must not
     * exist yet).
     *
     * @param data what the model was trained on
     * @param metrics metrics to record in the manifest, e.g. "valid.ndcg@10"
     */
    ArtifactManifest save(
            TrainedScorer scorer, Path target, DataDescription data, Map<String, Double> metrics);

    /**
     * Loads the artifact at {@code dir} to score {@code data}'s items, refusing with a clear error
     * when the artifact is corrupt or its item ids do not match the dataset's.
     */
    TrainedScorer load(Path dir, SequenceDataset data);
}
