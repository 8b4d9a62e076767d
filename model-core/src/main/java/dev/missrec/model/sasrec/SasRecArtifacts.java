package dev.missrec.model.sasrec;

import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.DataDescription;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.eval.ModelArtifacts;
import dev.missrec.model.eval.TrainedScorer;
import java.nio.file.Path;
import java.util.Map;

/** Saves and loads SASRec models as artifacts for the {@code train} and {@code eval} commands. */
public final class SasRecArtifacts implements ModelArtifacts {

    @Override
    public String kind() {
        return SasRecModel.KIND;
    }

    @Override
    public ArtifactManifest save(
            TrainedScorer scorer, Path target, DataDescription data, Map<String, Double> metrics) {
        if (!(scorer instanceof SasRecModel model)) {
            throw new IllegalArgumentException(
                    "not a SASRec model: "
                            + scorer.name()
                            + " ("
                            + scorer.getClass().getName()
                            + ")");
        }
        return model.save(target, data, metrics, null);
    }

    /**
     * Loads the artifact and checks that its item table is the dataset's: same N and the same token
     * at every internal id, so a model is never scored against another dataset's ids.
     */
    @Override
    public TrainedScorer load(Path dir, SequenceDataset data) {
        SasRecModel model = SasRecModel.load(dir);
        try {
            checkItems(model, data);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    static void checkItems(SasRecModel model, SequenceDataset data) {
        if (model.numItems() != data.numItems()) {
            throw new ArtifactException(
                    ArtifactException.Problem.SHAPE_MISMATCH,
                    SasRecModel.ITEMS_FILE,
                    SasRecModel.ITEMS_FILE
                            + " has "
                            + model.numItems()
                            + " items (PAD included), dataset "
                            + data.name()
                            + " has "
                            + data.numItems());
        }
        String[] tokens = data.itemTokens();
        for (int i = 1; i < tokens.length; i++) {
            if (!tokens[i].equals(model.itemToken(i))) {
                throw new ArtifactException(
                        ArtifactException.Problem.SHAPE_MISMATCH,
                        SasRecModel.ITEMS_FILE,
                        SasRecModel.ITEMS_FILE
                                + " maps internal id "
                                + i
                                + " to '"
                                + model.itemToken(i)
                                + "', dataset "
                                + data.name()
                                + " to '"
                                + tokens[i]
                                + "'");
            }
        }
    }
}
