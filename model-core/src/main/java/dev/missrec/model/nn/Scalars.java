package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication and division by a constant that stay correct inside a gradient-recording forward
 * pass. Use these, not {@code NDArray.mul(Number)} or {@code div(Number)}, wherever the result may
 * be differentiated.
 *
 * <p>Why: on PyTorch, DJL's {@code x.mul(2f)} wraps the constant in a temporary tensor that aliases
 * a Java direct buffer (no copy) and closes the Java handle at once. Autograd keeps that tensor for
 * the backward pass (the derivative of {@code x * c} is {@code c}), but nothing keeps the buffer
 * alive: a garbage collection between forward and backward frees it, and the gradient is then
 * computed from freed memory (NaN, 1e35, or a plausible wrong value). This was the cause of the
 * rare non-finite training gradients. Here the constant is allocated by libtorch ({@code
 * torch.full}), whose reference counting keeps it alive as long as the graph needs it.
 */
public final class Scalars {
    private static final Shape SCALAR = new Shape();

    private Scalars() {}

    /** {@code x * c}, differentiable. */
    public static NDArray times(NDArray x, double c) {
        try (NDArray constant = x.getManager().full(SCALAR, (float) c, x.getDataType())) {
            return x.mul(constant);
        }
    }

    /** {@code x / c}, differentiable. */
    public static NDArray dividedBy(NDArray x, double c) {
        try (NDArray constant = x.getManager().full(SCALAR, (float) c, x.getDataType())) {
            return x.div(constant);
        }
    }
}
