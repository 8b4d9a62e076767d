package dev.missrec.model.missrec;

/**
 * Fine-tuning mode (MISSREC-SPEC.md §3.2, finetune.py {@code -mode}): with or without item-ID
 * embeddings.
 */
public enum TrainStage {
    /** ID-agnostic ({@code inductive_ft}): items are known only by their text and image. */
    INDUCTIVE,
    /**
     * With a learned ID embedding per item ({@code transductive_ft}), added to the decoder input
     * and fused into the scores as {@code (id + 2f) / 3}.
     */
    TRANSDUCTIVE
}
