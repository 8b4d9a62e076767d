package dev.missrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Computes a block's parameter gradients twice from the same seed: once plainly, once with a
 * garbage collection between the forward and the backward pass that frees every unreachable Java
 * direct buffer and refills the freed memory with NaN. A forward pass whose graph still reads such
 * a buffer (see {@link Scalars}) gets different, usually non-finite, gradients the second time.
 */
public final class GradientUnderCollection {
    private GradientUnderCollection() {}

    /** Parameter path -> gradient values. */
    public static Map<String, float[]> gradients(
            int seed,
            Function<NDManager, Block> block,
            BiFunction<Block, NDManager, NDArray> loss,
            boolean collectBeforeBackward) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block b = block.apply(manager);
            List<ByteBuffer> poison = List.of();
            try (NDManager batch = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(b, batch);
                if (collectBeforeBackward) {
                    poison = collectAndPoison();
                }
                gc.backward(l);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : b.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    try (NDArray g = p.getValue().getArray().getGradient()) {
                        out.put(p.getKey(), g.toFloatArray());
                    }
                }
            }
            Reference.reachabilityFence(poison); // allocated until the gradients were read
            return out;
        }
    }

    /**
     * Frees unreachable direct buffers and takes their memory back, filled with NaN: small
     * allocations of the sizes DJL uses for scalars and short vectors.
     */
    public static List<ByteBuffer> collectAndPoison() {
        // direct buffers are freed by the reference handler thread after the collection, not by
        // System.gc() itself: wait until a sentinel buffer's phantom reference has been processed
        ReferenceQueue<ByteBuffer> queue = new ReferenceQueue<>();
        PhantomReference<ByteBuffer> sentinel =
                new PhantomReference<>(ByteBuffer.allocateDirect(4), queue);
        System.gc();
        try {
            if (queue.remove(2_000) == null) {
                throw new IllegalStateException("no collection within 2 s");
            }
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        sentinel.clear();
        List<ByteBuffer> junk = new ArrayList<>();
        for (int size : new int[] {4, 8, 16, 32, 64, 256}) {
            for (int i = 0; i < 400; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
                for (int j = 0; j + 4 <= size; j += 4) {
                    b.putFloat(j, Float.NaN);
                }
                junk.add(b);
            }
        }
        return junk;
    }

    /** Every gradient finite and equal between the plain run and the run with a collection. */
    public static void assertSameGradients(Map<String, float[]> plain, Map<String, float[]> gc) {
        assertThat(gc.keySet()).isEqualTo(plain.keySet()).isNotEmpty();
        for (Map.Entry<String, float[]> e : plain.entrySet()) {
            float[] g = gc.get(e.getKey());
            for (float v : g) {
                assertThat(Float.isFinite(v)).as("gradient of %s finite", e.getKey()).isTrue();
            }
            assertThat(g).as(e.getKey()).containsExactly(e.getValue(), within(1e-6f));
        }
        assertThat(plain.values().stream().anyMatch(g -> anyNonZero(g))).isTrue();
    }

    private static boolean anyNonZero(float[] g) {
        for (float v : g) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }
}
