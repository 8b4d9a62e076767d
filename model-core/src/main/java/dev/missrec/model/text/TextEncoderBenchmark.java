package dev.missrec.model.text;

import dev.missrec.model.data.MovieLensLog;
import dev.missrec.model.data.MovieLensReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Measures {@link MiniLmTextEncoder} throughput on a MovieLens directory's item texts, once per
 * worker-thread count, and how long a warm {@link CachingTextEncoder} takes to serve them all.
 *
 * <p>Usage: {@code TextEncoderBenchmark DIR CACHE_DIR [TEXTS [THREADS...]]}, e.g. {@code
 * ../shared/data/movielens-latest-small work/text-embeddings 1000 1 2}. The cache folder is only
 * read and filled, never cleared: run the CLI once first to time a warm read of every item.
 */
public final class TextEncoderBenchmark {
    private TextEncoderBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: TextEncoderBenchmark DIR CACHE_DIR [TEXTS [THREADS...]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path cacheDir = Path.of(args[1]);
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int[] threads =
                args.length > 3
                        ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
                        : new int[] {1, Runtime.getRuntime().availableProcessors()};

        long t0 = System.nanoTime();
        MovieLensLog log = MovieLensReader.readLog(dir, MovieLensReader.Options.defaults());
        System.out.printf(
                "read %s: %d users, %d items, %d interactions in %.2f s%n",
                log.name(), log.numUsers(), log.numItems() - 1, log.interactions(), seconds(t0));
        List<String> all = Arrays.asList(log.itemTexts()).subList(1, log.numItems());
        List<String> sample = all.subList(0, Math.min(limit, all.size()));
        double chars = sample.stream().mapToInt(String::length).average().orElse(0);

        for (int t : threads) {
            try (MiniLmTextEncoder encoder = new MiniLmTextEncoder(t)) {
                long w = System.nanoTime();
                encoder.encode(all.subList(0, Math.min(20, all.size()))); // loads the model
                double warmUp = seconds(w);
                long s = System.nanoTime();
                encoder.encode(sample);
                double total = seconds(s);
                System.out.printf(
                        "MiniLM, %d thread(s): %d texts (mean %.0f chars) in %.2f s = %.2f ms per"
                                + " text (first call incl. model load: %.2f s)%n",
                        t, sample.size(), chars, total, 1000 * total / sample.size(), warmUp);
            }
        }

        // MiniLM is loaded lazily: on a warm cache this times disk reads and verification only.
        try (CachingTextEncoder cache = new CachingTextEncoder(new MiniLmTextEncoder(), cacheDir)) {
            long c = System.nanoTime();
            cache.encode(all);
            double total = seconds(c);
            System.out.printf(
                    "cache %s: %d texts in %.3f s (%d hits, %d computed, %d rejected)%n",
                    cache.modelDirectory(),
                    all.size(),
                    total,
                    cache.stats().hits(),
                    cache.stats().misses(),
                    cache.stats().rejected());
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
