package dev.missrec.model.missrec;

import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelArtifacts;
import dev.missrec.model.eval.TrainedScorer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves and loads MISSRec models (both stages, one artifact kind) for the {@code train} and {@code
 * eval} commands; the stage travels in the saved config.
 */
public final class MissRecArtifacts implements ModelArtifacts {

    @Override
    public String kind() {
        return MissRecArtifact.KIND;
    }

    @Override
    public ArtifactManifest save(
            TrainedScorer scorer, Path target, DataDescription data, Map<String, Double> metrics) {
        if (!(scorer instanceof MissRecScorer m)) {
            throw new IllegalArgumentException(
                    "not a MISSRec model: "
                            + scorer.name()
                            + " ("
                            + scorer.getClass().getName()
                            + ")");
        }
        return MissRecArtifact.save(m.model(), m.itemTokens(), target, data, metrics);
    }

    /**
     * Loads the artifact and checks that its item table is the dataset's (same N, same token at
     * every internal id), so a model is never scored against another dataset's ids.
     */
    @Override
    public TrainedScorer load(Path dir, SequenceDataset data) {
        MissRecArtifact.Loaded loaded = MissRecArtifact.load(dir);
        try {
            checkItems(loaded.itemTokens(), data);
            return new MissRecScorer(
                    MissRecTrainer.modelName(loaded.model().config().trainStage()),
                    loaded.model(),
                    null,
                    loaded.itemTokens());
        } catch (RuntimeException e) {
            loaded.model().close();
            throw e;
        }
    }

    private static void checkItems(String[] saved, SequenceDataset data) {
        String file = MissRecArtifact.ITEMS_FILE;
        if (saved.length != data.numItems()) {
            throw new ArtifactException(
                    ArtifactException.Problem.SHAPE_MISMATCH,
                    file,
                    file
                            + " has "
                            + saved.length
                            + " items (PAD included), dataset "
                            + data.name()
                            + " has "
                            + data.numItems());
        }
        String[] tokens = data.itemTokens();
        for (int i = 1; i < tokens.length; i++) {
            if (!tokens[i].equals(saved[i])) {
                throw new ArtifactException(
                        ArtifactException.Problem.SHAPE_MISMATCH,
                        file,
                        file
                                + " maps internal id "
                                + i
                                + " to '"
                                + saved[i]
                                + "', dataset "
                                + data.name()
                                + " to '"
                                + tokens[i]
                                + "'");
            }
        }
    }
}
