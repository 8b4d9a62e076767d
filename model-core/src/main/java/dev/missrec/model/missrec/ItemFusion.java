package dev.missrec.model.missrec;

/** How the per-modality cosines of a candidate are fused into one score (MISSREC-SPEC.md §2.4). */
public enum ItemFusion {
    /**
     * The released config's {@code dynamic_shared}: {@code softmax(beta * [c_t, c_v]) · [c_t, c_v]}
     * with one learned scalar beta, initialised to 0 (a plain mean at the start).
     */
    DYNAMIC_SHARED,
    /** {@code static}: the plain mean {@code (c_t + c_v) / 2}; beta is not a parameter. */
    STATIC
}
