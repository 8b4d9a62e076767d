package dev.missrec.jobs.demo;

import com.google.gson.GsonBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run measured. Counts come from what a {@code read_committed} consumer read from the
 * recommendations and dead-letter topics, so they can be checked against {@code missrec consume}.
 *
 * @param eventsIn clicks written to the clicks topic
 * @param recommendationsOut distinct recommendations committed (one per answered click)
 * @param deadLetters dead-letter records committed
 * @param p50Millis median processing latency (click record timestamp to recommendation)
 * @param p99Millis 99th percentile of the same
 * @param modelVersions versions seen in the recommendations, in order of first appearance
 * @param catalogSize recommendable items of the last model with the demo's catalog
 * @param newItemsRecommended distinct new items that appeared in at least one recommendation
 * @param recommendationsWithNewItems recommendations that contained a new item
 * @param duplicates recommendations read twice for one click (must be 0)
 * @param stepSeconds wall-clock seconds of each demo step
 * @param exampleWithNewItem one recommendation that contains a new item, for display
 */
public record DemoSummary(
        String dataset,
        long eventsIn,
        long recommendationsOut,
        long deadLetters,
        long p50Millis,
        long p99Millis,
        List<String> modelVersions,
        int catalogSize,
        int newItemsRecommended,
        long recommendationsWithNewItems,
        long duplicates,
        Map<String, Long> deadLettersByKind,
        List<String> newItems,
        Map<String, Double> stepSeconds,
        String exampleWithNewItem) {

    /** The summary JSON; the documented keys first. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("events_in", eventsIn);
        root.put("recommendations_out", recommendationsOut);
        root.put("dead_letters", deadLetters);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", p50Millis);
        latency.put("p99", p99Millis);
        root.put("latency_ms", latency);
        root.put("model_versions", modelVersions);
        root.put("catalog_size", catalogSize);
        root.put("new_items_recommended", newItemsRecommended);
        root.put("dataset", dataset);
        root.put("recommendations_with_new_items", recommendationsWithNewItems);
        root.put("duplicates", duplicates);
        root.put("dead_letters_by_kind", deadLettersByKind);
        root.put("new_items", newItems);
        Map<String, Object> steps = new LinkedHashMap<>();
        stepSeconds.forEach((k, v) -> steps.put(k, Math.round(v * 10) / 10.0));
        root.put("steps_s", steps);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
    }

    /** The human summary printed at the end. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n=== demo summary (%s) ===%n", dataset));
        b.append(String.format(Locale.ROOT, "clicks in             %,d%n", eventsIn));
        b.append(
                String.format(
                        Locale.ROOT,
                        "recommendations out   %,d (duplicates: %d)%n",
                        recommendationsOut,
                        duplicates));
        b.append(
                String.format(
                        Locale.ROOT,
                        "dead letters          %,d %s%n",
                        deadLetters,
                        deadLettersByKind));
        b.append(
                String.format(
                        Locale.ROOT,
                        "latency               p50 %d ms, p99 %d ms (click record to recommendation)%n",
                        p50Millis,
                        p99Millis));
        b.append(String.format(Locale.ROOT, "model versions        %s%n", modelVersions));
        b.append(String.format(Locale.ROOT, "catalog size          %,d items%n", catalogSize));
        b.append(
                String.format(
                        Locale.ROOT,
                        "new items             %d of %d recommended, in %,d recommendations%n",
                        newItemsRecommended,
                        newItems.size(),
                        recommendationsWithNewItems));
        if (exampleWithNewItem != null) {
            b.append("  e.g. ").append(exampleWithNewItem).append(System.lineSeparator());
        }
        b.append("steps (s)             ");
        stepSeconds.forEach((k, v) -> b.append(String.format(Locale.ROOT, "%s %.1f; ", k, v)));
        b.append(System.lineSeparator());
        return b.toString();
    }
}
