package dev.missrec.model.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A cheap deterministic {@link TextEncoder} for tests of code around encoders: each text's vector
 * is seeded by the text and the model id, and every text it is asked to embed is recorded.
 */
public final class CountingTextEncoder implements TextEncoder {
    private final String modelId;
    private final int dimension;
    private final List<String> encoded = new ArrayList<>();
    private int calls;
    private boolean closed;

    public CountingTextEncoder(String modelId, int dimension) {
        this.modelId = modelId;
        this.dimension = dimension;
    }

    @Override
    public float[][] encode(List<String> texts) {
        calls++;
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = vectorOf(texts.get(i));
            encoded.add(texts.get(i));
        }
        return out;
    }

    /** The vector this encoder gives {@code text}. */
    public float[] vectorOf(String text) {
        long seed = 1125899906842597L;
        for (byte b : (modelId + "\u0000" + text).getBytes(StandardCharsets.UTF_8)) {
            seed = 31 * seed + b;
        }
        Random random = new Random(seed);
        float[] v = new float[dimension];
        for (int j = 0; j < dimension; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Every text embedded so far, in order. */
    public List<String> encoded() {
        return encoded;
    }

    /** Number of {@link #encode} calls. */
    public int calls() {
        return calls;
    }

    public boolean closed() {
        return closed;
    }
}
