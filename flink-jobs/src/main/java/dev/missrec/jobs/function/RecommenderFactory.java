package dev.missrec.jobs.function;

import dev.missrec.jobs.event.ModelRef;
import dev.missrec.model.serve.BatchRecommender;
import java.io.Serializable;

/**
 * Creates the recommenders an inference subtask serves with. Called on the task manager (in {@code
 * open()}, or in the background for a hot swap), so models are loaded there and never shipped
 * inside the job graph. Implementations verify what they load and warm it up.
 */
public interface RecommenderFactory extends Serializable {

    /** The model to serve when the job starts without a restored version. */
    BatchRecommender create() throws Exception;

    /**
     * The model an update names.
     *
     * @throws Exception with a clear message if it cannot be loaded or fails verification; the
     *     caller keeps serving its current model
     */
    default BatchRecommender create(ModelRef model) throws Exception {
        throw new UnsupportedOperationException(
                getClass().getSimpleName()
                        + " cannot load model updates (asked for "
                        + model
                        + ")");
    }
}
