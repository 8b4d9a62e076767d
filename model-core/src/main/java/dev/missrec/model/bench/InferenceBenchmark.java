package dev.missrec.model.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.interest.InterestDiscovery;
import dev.missrec.model.interest.InterestTables;
import dev.missrec.model.missrec.MissRecArtifact;
import dev.missrec.model.missrec.MissRecConfig;
import dev.missrec.model.missrec.MissRecModel;
import dev.missrec.model.serve.InferenceEngine;
import dev.missrec.model.serve.LiveItemCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Measures the {@link InferenceEngine}: per batch size, sequences per second, per-call latency
 * percentiles and achieved GFLOP/s against a libtorch matrix-product peak measured in the same run;
 * and the process's resident memory before and after many inferences and many hot swaps (a native
 * leak shows as growth).
 */
public final class InferenceBenchmark {

    /**
     * @param batches batch sizes to measure
     * @param secondsPerBatch timed seconds per batch size (at least 20 calls each)
     * @param inferences sequences to score in total before the second memory reading
     * @param swaps hot swaps before the third memory reading
     * @param k items per recommendation
     */
    public record Settings(
            int[] batches, double secondsPerBatch, long inferences, int swaps, int k) {}

    /** One batch size's numbers. */
    public record BatchResult(
            int batch,
            double seqPerS,
            double p50Ms,
            double p99Ms,
            double gflops,
            double peakRatio,
            double usefulGflops) {}

    /** Resident set sizes in MiB. */
    public record RssMb(double start, double afterInferences, double afterSwaps) {}

    /** Everything the benchmark measured. */
    public record Result(
            double gemmPeakGflops,
            int catalogItems,
            List<BatchResult> batches,
            RssMb rssMb,
            String model,
            long parameters,
            int torchThreads,
            String device,
            double swapMsMedian,
            long sequencesScored) {}

    /** Where the served models come from: a fresh copy for every (re)load. */
    public interface ModelSource {
        /** A newly loaded model (caller owns it). */
        MissRecModel load();

        /** Its item ids, index 0 = PAD. */
        String[] itemTokens();

        /** Request histories (external ids) to replay. */
        List<String[]> histories();

        /** A one-line description for the report. */
        String describe();
    }

    private final ModelSource source;
    private final Settings settings;
    private final Consumer<String> progress;

    public InferenceBenchmark(ModelSource source, Settings settings, Consumer<String> progress) {
        this.source = source;
        this.settings = settings;
        this.progress = progress;
    }

    /** Runs every phase and returns the numbers. */
    public Result run() {
        progress.accept("measuring the libtorch matrix-product peak");
        double peak = gemmPeakGflops(Device.cpu());
        progress.accept("loading " + source.describe());
        MissRecModel first = source.load();
        long parameters = first.block().totalParameterCount();
        String device = first.block().getParameters().valueAt(0).getArray().getDevice().toString();
        List<String[]> histories = source.histories();
        long scored = 0;
        try (InferenceEngine engine =
                InferenceEngine.start(
                        first,
                        source.itemTokens(),
                        "v0",
                        InferenceEngine.Options.defaults(),
                        new LiveItemCatalog())) {
            int catalog = engine.catalogSize();
            double rssStart = settledRssMb();
            List<BatchResult> results = new ArrayList<>();
            int cursor = 0;
            for (int batch : settings.batches()) {
                progress.accept("batch " + batch);
                List<Long> nanos = new ArrayList<>();
                double flops = 0;
                double usefulFlops = 0;
                for (int warm = 0; warm < 3; warm++) {
                    engine.recommend(slice(histories, cursor, batch), settings.k());
                    cursor += batch;
                }
                long deadline = System.nanoTime() + (long) (settings.secondsPerBatch() * 1e9);
                while (nanos.size() < 20 || System.nanoTime() < deadline) {
                    List<String[]> request = slice(histories, cursor, batch);
                    cursor += batch;
                    long t0 = System.nanoTime();
                    engine.recommend(request, settings.k());
                    nanos.add(System.nanoTime() - t0);
                    flops += engine.flopsPerCall(request);
                    usefulFlops += engine.usefulFlopsPerCall(request);
                }
                scored += (long) nanos.size() * batch;
                double seconds = nanos.stream().mapToLong(Long::longValue).sum() / 1e9;
                double gflops = flops / seconds / 1e9;
                results.add(
                        new BatchResult(
                                batch,
                                nanos.size() * batch / seconds,
                                percentile(nanos, 50) / 1e6,
                                percentile(nanos, 99) / 1e6,
                                gflops,
                                gflops / peak,
                                usefulFlops / seconds / 1e9));
            }
            progress.accept("scoring up to " + settings.inferences() + " sequences");
            int round = 0;
            long nextReport = 10_000;
            while (scored < settings.inferences()) {
                int batch = settings.batches()[round++ % settings.batches().length];
                engine.recommend(slice(histories, cursor, batch), settings.k());
                cursor += batch;
                scored += batch;
                if (scored >= nextReport) {
                    progress.accept(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%,d sequences, RSS %.0f MiB",
                                    scored,
                                    rssMb()));
                    nextReport += 10_000;
                }
            }
            double rssInferences = settledRssMb();
            progress.accept(settings.swaps() + " hot swaps");
            List<Long> swapNanos = new ArrayList<>();
            for (int s = 1; s <= settings.swaps(); s++) {
                long t0 = System.nanoTime();
                engine.swapModel(source.load(), source.itemTokens(), "v" + s);
                swapNanos.add(System.nanoTime() - t0);
                // a call per version, so every swapped-out model really served before closing
                engine.recommend(slice(histories, cursor, 8), settings.k());
                cursor += 8;
                if (s % 10 == 0) {
                    progress.accept(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%d swaps, RSS %.0f MiB (after a collection), models loaded %d",
                                    s,
                                    settledRssMb(),
                                    engine.loadedModels()));
                }
            }
            double rssSwaps = settledRssMb();
            return new Result(
                    peak,
                    catalog,
                    results,
                    new RssMb(rssStart, rssInferences, rssSwaps),
                    source.describe(),
                    parameters,
                    Integer.getInteger("ai.djl.pytorch.num_threads", -1),
                    device,
                    swapNanos.isEmpty() ? 0 : percentile(swapNanos, 50) / 1e6,
                    scored);
        }
    }

    private static List<String[]> slice(List<String[]> all, int from, int size) {
        List<String[]> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(all.get(Math.floorMod(from + i, all.size())));
        }
        return out;
    }

    /** The nearest-rank percentile of {@code values}. */
    static double percentile(List<Long> values, double p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * The best GFLOP/s of 1024 x 1024 float32 matrix products over five rounds of ten, on the
     * engine's configured threads: the ceiling the model's matrix products are compared with.
     */
    public static double gemmPeakGflops(Device device) {
        int n = 1024;
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            double best = 0;
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    a.matMul(b).close();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 10 * 2.0 * n * n * n / seconds / 1e9);
            }
            return best;
        }
    }

    /**
     * The resident set size after a full collection. DJL copies every array it creates from Java
     * data (a model's feature tables, its interest table) through a direct buffer that is freed
     * only when the collector runs: without a collection a loop of model loads grew RSS by about 8
     * MiB per load (Scientific, paper preset) until the JVM's direct-memory limit forced one; with
     * one every ten loads it stayed flat (SwapMemoryRun). Counting that garbage would hide whether
     * native memory is really released.
     */
    public static double settledRssMb() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rssMb();
    }

    /** This process's resident set size in MiB (Linux), or -1 where it cannot be read. */
    public static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Models loaded from an artifact directory (verified on every load, as a hot swap does). */
    public static ModelSource artifact(Path dir, Device device, List<String[]> histories) {
        MissRecArtifact.Loaded probe = MissRecArtifact.load(dir, device);
        String[] tokens = probe.itemTokens();
        probe.model().close();
        return new ModelSource() {
            @Override
            public MissRecModel load() {
                return MissRecArtifact.load(dir, device).model();
            }

            @Override
            public String[] itemTokens() {
                return tokens.clone();
            }

            @Override
            public List<String[]> histories() {
                return histories;
            }

            @Override
            public String describe() {
                return "artifact " + dir;
            }
        };
    }

    /**
     * Freshly initialised models of {@code config} over a dataset's item features, replaying its
     * test histories. Interests are discovered once and reused by every reload (as a loaded
     * artifact brings its own); speed does not depend on the weights' values.
     */
    public static ModelSource dataset(SequenceDataset data, MissRecConfig config, long seed) {
        ItemFeatureTable text = data.textFeatures();
        ItemFeatureTable image =
                data.imageFeatures() != null
                        ? data.imageFeatures()
                        : ItemFeatureTable.zeros(data.numItems(), text.dim());
        Engine.getInstance().setRandomSeed((int) seed);
        InterestTables interests;
        try (MissRecModel m = MissRecModel.create(config, text, image)) {
            interests = m.discoverInterests(new Random(seed));
        }
        List<String[]> histories = new ArrayList<>();
        String[] tokens = data.itemTokens();
        for (SequenceExample e : data.test()) {
            histories.add(
                    Arrays.stream(e.history()).mapToObj(i -> tokens[i]).toArray(String[]::new));
        }
        return fresh(config, text, image, interests, tokens, histories, data.name());
    }

    /**
     * A synthetic catalog of {@code items} items with {@code dim}-sized unit-norm features, random
     * interest tables of the size the config's ratio gives (k-means over 2N points would take hours
     * at 100,000 items and does not change serving speed: interests are a gather), and histories of
     * 1..L items with a mean length of about eight.
     */
    public static ModelSource synthetic(int items, int dim, MissRecConfig config, long seed) {
        Random r = new Random(seed);
        int n = items + 1;
        ItemFeatureTable text = randomUnitRows(n, dim, r);
        ItemFeatureTable image = randomUnitRows(n, dim, r);
        int k = InterestDiscovery.clusterCount(2 * items, config.interestRatio());
        int d = config.hiddenSize();
        float[] centroids = new float[(k + 1) * d];
        for (int i = d; i < centroids.length; i++) {
            centroids[i] = (float) (r.nextGaussian() * 0.1);
        }
        int[] textIds = new int[n];
        int[] imageIds = new int[n];
        for (int i = 1; i < n; i++) {
            textIds[i] = 1 + r.nextInt(k);
            imageIds[i] = 1 + r.nextInt(k);
        }
        InterestTables interests = new InterestTables(textIds, imageIds, centroids, k, d);
        String[] tokens = new String[n];
        tokens[0] = "[PAD]";
        for (int i = 1; i < n; i++) {
            tokens[i] = "item-" + i;
        }
        List<String[]> histories = new ArrayList<>();
        for (int u = 0; u < 4096; u++) {
            int len =
                    Math.min(config.maxSeqLength(), 1 + (int) (-8 * Math.log(1 - r.nextDouble())));
            String[] h = new String[len];
            for (int t = 0; t < len; t++) {
                h[t] = tokens[1 + r.nextInt(items)];
            }
            histories.add(h);
        }
        return fresh(config, text, image, interests, tokens, histories, "synthetic-" + items);
    }

    private static ItemFeatureTable randomUnitRows(int n, int dim, Random r) {
        float[] v = new float[n * dim];
        for (int i = 1; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                float x = (float) r.nextGaussian();
                v[i * dim + j] = x;
                norm += x * x;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < dim; j++) {
                v[i * dim + j] *= inv;
            }
        }
        return new ItemFeatureTable(n, dim, v);
    }

    private static ModelSource fresh(
            MissRecConfig config,
            ItemFeatureTable text,
            ItemFeatureTable image,
            InterestTables interests,
            String[] tokens,
            List<String[]> histories,
            String name) {
        return new ModelSource() {
            @Override
            public MissRecModel load() {
                MissRecModel m = MissRecModel.create(config, text, image);
                try {
                    m.setInterests(interests);
                    return m;
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
            }

            @Override
            public String[] itemTokens() {
                return tokens.clone();
            }

            @Override
            public List<String[]> histories() {
                return histories;
            }

            @Override
            public String describe() {
                return name + " (" + (tokens.length - 1) + " items, freshly initialised weights)";
            }
        };
    }
}
