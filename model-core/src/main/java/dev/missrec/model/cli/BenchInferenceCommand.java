package dev.missrec.model.cli;

import com.google.gson.GsonBuilder;
import dev.missrec.model.bench.InferenceBenchmark;
import dev.missrec.model.data.RecBoleDatasetReader;
import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import dev.missrec.model.missrec.MissRecConfig;
import dev.missrec.model.serve.ServingDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench inference}: throughput, latency and achieved GFLOP/s of the MISSRec inference engine
 * per batch size, against a matrix-product peak measured in the same run, and resident memory after
 * many inferences and hot swaps. Prints a table; {@code --json} writes the numbers for scripts.
 */
@Command(
        name = "inference",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Benchmark the MISSRec inference engine: sequences/s, p50/p99 latency and GFLOP/s per"
                    + " batch size, the libtorch matrix-product peak, RSS after inferences and hot"
                    + " swaps.",
            "Models: --model (a saved artifact), or a freshly initialised --preset model over"
                    + " --dataset's items or a synthetic catalog of --items items."
        })
public final class BenchInferenceCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--preset",
            defaultValue = "paper",
            description = "model preset when no --model is given: paper or tiny (default paper)")
    private String preset;

    @Option(
            names = "--items",
            paramLabel = "N",
            description = "a synthetic catalog of N items (instead of --dataset)")
    private Integer items;

    @Option(
            names = "--dim",
            paramLabel = "P",
            defaultValue = "512",
            description = "feature size of the synthetic catalog (default ${DEFAULT-VALUE})")
    private int dim;

    @Option(
            names = "--dataset",
            paramLabel = "DIR",
            description = "a MISSRec-format dataset: its items and test histories")
    private Path dataset;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "a saved MISSRec artifact to serve (needs --dataset for histories)")
    private Path model;

    @Option(
            names = "--batches",
            split = ",",
            defaultValue = "1,8,32,128",
            description = "batch sizes (default ${DEFAULT-VALUE})")
    private int[] batches;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "timed seconds per batch size (default ${DEFAULT-VALUE})")
    private double seconds;

    @Option(
            names = "--inferences",
            defaultValue = "100000",
            description =
                    "sequences scored before the second RSS reading (default ${DEFAULT-VALUE})")
    private long inferences;

    @Option(
            names = "--swaps",
            defaultValue = "100",
            description = "hot swaps before the third RSS reading (default ${DEFAULT-VALUE})")
    private int swaps;

    @Option(names = "--k", defaultValue = "10", description = "top K (default ${DEFAULT-VALUE})")
    private int k;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
    private String device;

    @Option(names = "--json", paramLabel = "FILE", description = "write the results as JSON")
    private Path json;

    @Option(
            names = "--seed",
            defaultValue = "2020",
            description = "seed (default ${DEFAULT-VALUE})")
    private long seed;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        if ((items == null) == (dataset == null)) {
            throw new ParameterException(cli, "give exactly one of --items N and --dataset DIR");
        }
        if (model != null && dataset == null) {
            throw new ParameterException(cli, "--model needs --dataset for its request histories");
        }
        if (items != null && items < 2) {
            throw new ParameterException(cli, "--items must be at least 2");
        }
        if (batches.length == 0 || Arrays.stream(batches).anyMatch(b -> b < 1)) {
            throw new ParameterException(cli, "--batches must be positive sizes");
        }
        if (json != null && Files.isDirectory(json)) {
            throw new ParameterException(cli, "--json must be a file, not a directory: " + json);
        }
        MissRecConfig config;
        try {
            config = MissRecConfig.preset(preset);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, e.getMessage());
        }
        PrintWriter out = cli.getOut();
        InferenceBenchmark.ModelSource source;
        if (dataset != null) {
            SequenceDataset data = RecBoleDatasetReader.read(dataset);
            if (model != null) {
                List<String[]> histories = new ArrayList<>();
                String[] tokens = data.itemTokens();
                for (SequenceExample e : data.test()) {
                    histories.add(
                            Arrays.stream(e.history())
                                    .mapToObj(i -> tokens[i])
                                    .toArray(String[]::new));
                }
                source =
                        InferenceBenchmark.artifact(
                                model, ServingDevice.resolve(device), histories);
            } else {
                source = InferenceBenchmark.dataset(data, config, seed);
            }
        } else {
            source = InferenceBenchmark.synthetic(items, dim, config, seed);
        }
        InferenceBenchmark.Result r =
                new InferenceBenchmark(
                                source,
                                new InferenceBenchmark.Settings(
                                        batches, seconds, inferences, swaps, k),
                                line -> {
                                    out.println("... " + line);
                                    out.flush();
                                })
                        .run();
        out.printf(
                "%s, %,d parameters, %s, libtorch threads %d%n",
                r.model(), r.parameters(), r.device(), r.torchThreads());
        out.printf(
                "catalog %,d items; matrix-product peak %.1f GFLOP/s%n",
                r.catalogItems(), r.gemmPeakGflops());
        out.printf(
                "%6s %12s %9s %9s %9s %6s %9s%n",
                "batch", "seq/s", "p50 ms", "p99 ms", "GFLOP/s", "peak", "useful");
        for (InferenceBenchmark.BatchResult b : r.batches()) {
            out.printf(
                    "%6d %12.1f %9.2f %9.2f %9.1f %5.0f%% %9.1f%n",
                    b.batch(),
                    b.seqPerS(),
                    b.p50Ms(),
                    b.p99Ms(),
                    b.gflops(),
                    100 * b.peakRatio(),
                    b.usefulGflops());
        }
        out.printf(
                "RSS MiB: start %.0f, after %,d sequences %.0f, after %d swaps %.0f (median swap"
                        + " %.0f ms)%n",
                r.rssMb().start(),
                r.sequencesScored(),
                r.rssMb().afterInferences(),
                swaps,
                r.rssMb().afterSwaps(),
                r.swapMsMedian());
        if (json != null) {
            Files.writeString(json, toJson(r));
            out.println("wrote " + json);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /** The JSON scripts read: the documented keys first, then context. */
    static String toJson(InferenceBenchmark.Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("gemm_peak_gflops", r.gemmPeakGflops());
        root.put("catalog_items", r.catalogItems());
        List<Map<String, Object>> list = new ArrayList<>();
        for (InferenceBenchmark.BatchResult b : r.batches()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", b.batch());
            m.put("seq_per_s", b.seqPerS());
            m.put("p50_ms", b.p50Ms());
            m.put("p99_ms", b.p99Ms());
            m.put("gflops", b.gflops());
            m.put("peak_ratio", b.peakRatio());
            // context: gflops counts the padding the shape buckets execute; this does not
            m.put("useful_gflops", b.usefulGflops());
            list.add(m);
        }
        root.put("batches", list);
        Map<String, Object> rss = new LinkedHashMap<>();
        rss.put("start", r.rssMb().start());
        rss.put("after_inferences", r.rssMb().afterInferences());
        rss.put("after_swaps", r.rssMb().afterSwaps());
        root.put("rss_mb", rss);
        root.put("model", r.model());
        root.put("parameters", r.parameters());
        root.put("torch_threads", r.torchThreads());
        root.put("device", r.device());
        root.put("swap_ms_median", r.swapMsMedian());
        root.put("sequences_scored", r.sequencesScored());
        return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
    }
}
