package dev.missrec.model.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.missrec.model.data.DatasetStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a {@link ModelComparison}: the dataset and one result per model, written as the
 * JSON that scripts depend on and as a readable table.
 *
 * @param datasetName the dataset's short name
 * @param stats users, items and interactions of the dataset
 * @param results one entry per model, in the order asked for
 */
public record ComparisonReport(String datasetName, DatasetStats stats, List<ModelResult> results) {

    public ComparisonReport {
        results = List.copyOf(results);
    }

    /**
     * One model's row.
     *
     * @param model the model name, as in {@code --models}
     * @param trainableParameters parameters updated by training
     * @param totalParameters all parameters
     * @param bestEpoch 1-based epoch kept, 0 when not trained
     * @param trainSeconds wall-clock seconds of {@link ScorerTrainer#fit}
     * @param evalSeconds wall-clock seconds of evaluating valid and test (table only)
     * @param valid metrics on the validation split
     * @param test metrics on the test split
     * @param chosenSettings what the scorer chose on valid (table only), possibly empty
     * @param testCold metrics on the test cases whose target was held out of training (the
     *     cold-start protocol), or null when no item was held out
     */
    public record ModelResult(
            String model,
            long trainableParameters,
            long totalParameters,
            int bestEpoch,
            double trainSeconds,
            double evalSeconds,
            RankingMetrics valid,
            RankingMetrics test,
            String chosenSettings,
            RankingMetrics testCold) {

        /** A result without cold-start metrics. */
        public ModelResult(
                String model,
                long trainableParameters,
                long totalParameters,
                int bestEpoch,
                double trainSeconds,
                double evalSeconds,
                RankingMetrics valid,
                RankingMetrics test,
                String chosenSettings) {
            this(
                    model,
                    trainableParameters,
                    totalParameters,
                    bestEpoch,
                    trainSeconds,
                    evalSeconds,
                    valid,
                    test,
                    chosenSettings,
                    null);
        }
    }

    /**
     * The JSON document: {@code {"dataset": {"name", "users", "items", "interactions"}, "results":
     * [{"model", "parameters": {"trainable", "total"}, "best_epoch", "train_seconds", "valid":
     * {"hit@10", "ndcg@10", "hit@50", "ndcg@50", "mrr"}, "test": {...}}]}}, exactly these keys,
     * plus {@code "test_cold": {...}} in every result when items were held out of training.
     */
    public JsonObject toJson() {
        JsonObject dataset = new JsonObject();
        dataset.addProperty("name", datasetName);
        dataset.addProperty("users", stats.users());
        dataset.addProperty("items", stats.items());
        dataset.addProperty("interactions", stats.interactions());
        JsonArray rows = new JsonArray();
        for (ModelResult r : results) {
            JsonObject row = new JsonObject();
            row.addProperty("model", r.model());
            JsonObject params = new JsonObject();
            params.addProperty("trainable", r.trainableParameters());
            params.addProperty("total", r.totalParameters());
            row.add("parameters", params);
            row.addProperty("best_epoch", r.bestEpoch());
            row.addProperty("train_seconds", Math.round(r.trainSeconds() * 1000) / 1000.0);
            row.add("valid", metrics(r.valid()));
            row.add("test", metrics(r.test()));
            if (r.testCold() != null) {
                row.add("test_cold", metrics(r.testCold()));
            }
            rows.add(row);
        }
        JsonObject root = new JsonObject();
        root.add("dataset", dataset);
        root.add("results", rows);
        return root;
    }

    private static JsonObject metrics(RankingMetrics m) {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, Double> e : m.asMap().entrySet()) {
            o.addProperty(e.getKey(), e.getValue());
        }
        return o;
    }

    /** The JSON, pretty-printed. */
    public String toJsonString() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(toJson());
    }

    /** Writes the JSON to {@code file}, creating its parent directories. */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJsonString() + "\n", StandardCharsets.UTF_8);
    }

    /** A fixed-width table of valid and test metrics, one line per model. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "dataset %s: %d users, %d items, %d interactions%n",
                        datasetName,
                        stats.users(),
                        stats.items(),
                        stats.interactions()));
        String head =
                String.format(
                        Locale.ROOT,
                        "%-22s %10s %5s %8s %7s | %-34s | %-34s%n",
                        "model",
                        "params",
                        "epoch",
                        "train_s",
                        "eval_s",
                        "valid HIT@10 NDCG@10 HIT@50 NDCG@50 MRR",
                        "test  HIT@10 NDCG@10 HIT@50 NDCG@50 MRR");
        sb.append(head);
        sb.append("-".repeat(head.length() - 1)).append(System.lineSeparator());
        for (ModelResult r : results) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-22s %10d %5d %8.2f %7.2f | %s | %s%n",
                            r.model(),
                            r.totalParameters(),
                            r.bestEpoch(),
                            r.trainSeconds(),
                            r.evalSeconds(),
                            cells(r.valid()),
                            cells(r.test())));
        }
        if (results.stream().anyMatch(r -> r.testCold() != null)) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "cold targets (held out of training):%n%-22s | %-34s%n",
                            "model",
                            "test_cold HIT@10 NDCG@10 HIT@50 NDCG@50 MRR"));
            for (ModelResult r : results) {
                if (r.testCold() != null) {
                    sb.append(
                            String.format(
                                    Locale.ROOT,
                                    "%-22s |   %s (%d cases)%n",
                                    r.model(),
                                    cells(r.testCold()),
                                    r.testCold().cases()));
                }
            }
        }
        for (ModelResult r : results) {
            if (!r.chosenSettings().isEmpty()) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "  %s chose on valid: %s%n",
                                r.model(),
                                r.chosenSettings()));
            }
        }
        return sb.toString();
    }

    private static String cells(RankingMetrics m) {
        return String.format(
                Locale.ROOT,
                "      %.4f  %.4f %.4f  %.4f %.4f",
                m.hit10(),
                m.ndcg10(),
                m.hit50(),
                m.ndcg50(),
                m.mrr());
    }
}
