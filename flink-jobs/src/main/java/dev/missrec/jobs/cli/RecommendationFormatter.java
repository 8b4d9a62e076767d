package dev.missrec.jobs.cli;

import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders a {@link Recommendation} for people: a header line with the user, the model version, the
 * triggering event and the latencies, then one line per item with its rank, score, id and text
 * (when the lookup knows it), texts cut to a fixed width so each item stays on one line.
 */
public final class RecommendationFormatter {
    private final Function<String, Optional<String>> itemText;
    private final int maxItems;
    private final int textWidth;

    /**
     * A formatter.
     *
     * @param itemText item id to its text; empty when unknown
     * @param maxItems items shown per recommendation, 0 = all
     * @param textWidth longest item text shown, in characters (at least 4)
     */
    public RecommendationFormatter(
            Function<String, Optional<String>> itemText, int maxItems, int textWidth) {
        if (maxItems < 0 || textWidth < 4) {
            throw new IllegalArgumentException(
                    "need maxItems >= 0 and textWidth >= 4, got " + maxItems + ", " + textWidth);
        }
        this.itemText = itemText;
        this.maxItems = maxItems;
        this.textWidth = textWidth;
    }

    /**
     * The recommendation as text lines (ending with a newline).
     *
     * @param where where it was read, e.g. {@code recommendations-0@42}; null to leave out
     */
    public String format(Recommendation r, String where) {
        StringBuilder s = new StringBuilder();
        s.append("user ")
                .append(r.getUserId())
                .append("  model ")
                .append(r.getModelVersion())
                .append("  trigger ")
                .append(r.getTriggerEventId())
                .append(" @ ")
                .append(r.getTriggerEventTime())
                .append("  latency end-to-end ")
                .append(
                        r.getEndToEndLatencyMillis() == null
                                ? "n/a"
                                : r.getEndToEndLatencyMillis() + " ms")
                .append(", inference ")
                .append(micros(r.getInferenceLatencyMicros()))
                .append("  produced ")
                .append(r.getProducedTime());
        if (where != null) {
            s.append("  (").append(where).append(')');
        }
        s.append('\n');
        List<ScoredItem> items = r.getItems();
        if (items.isEmpty()) {
            s.append("   (no items)\n");
            return s.toString();
        }
        int shown = maxItems == 0 ? items.size() : Math.min(maxItems, items.size());
        int idWidth = 0;
        for (int i = 0; i < shown; i++) {
            idWidth = Math.max(idWidth, items.get(i).getItemId().length());
        }
        int rankWidth = Integer.toString(shown).length();
        for (int i = 0; i < shown; i++) {
            ScoredItem item = items.get(i);
            String line =
                    String.format(
                            Locale.ROOT,
                            "  %" + rankWidth + "d. %9.4f  %-" + idWidth + "s",
                            i + 1,
                            item.getScore(),
                            item.getItemId());
            Optional<String> text = itemText.apply(item.getItemId());
            if (text.isPresent()) {
                line += "  " + cut(oneLine(text.get()));
            }
            s.append(line.stripTrailing()).append('\n');
        }
        if (shown < items.size()) {
            s.append("  ... ").append(items.size() - shown).append(" more\n");
        }
        return s.toString();
    }

    private static String micros(Long micros) {
        if (micros == null) {
            return "n/a";
        }
        return micros < 1000
                ? micros + " us"
                : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    private String cut(String text) {
        return text.length() <= textWidth ? text : text.substring(0, textWidth - 3) + "...";
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
