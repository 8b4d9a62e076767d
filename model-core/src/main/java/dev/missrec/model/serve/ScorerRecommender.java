package dev.missrec.model.serve;

import dev.missrec.model.eval.SequenceScorer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link BatchRecommender} over any {@link SequenceScorer} (a trained model or a baseline): maps
 * external item ids to the scorer's internal ids, scores the batch in one call, and selects the top
 * K, leaving out padding, blocked items and (optionally) items already in the history.
 */
public final class ScorerRecommender implements BatchRecommender {
    private final SequenceScorer scorer;
    private final String version;
    private final String[] itemTokens;
    private final Map<String, Integer> internalIds;
    private final boolean excludeSeen;
    private final Set<Integer> blocked = new HashSet<>();

    /**
     * @param scorer scores all N items (index = internal id, 0 = padding)
     * @param itemTokens internal id to external item id; index 0 is padding
     * @param version the model version reported with each recommendation
     * @param excludeSeen whether items already in a history are left out of its recommendations
     */
    public ScorerRecommender(
            SequenceScorer scorer, String[] itemTokens, String version, boolean excludeSeen) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.version = Objects.requireNonNull(version, "version");
        this.itemTokens = itemTokens.clone();
        this.excludeSeen = excludeSeen;
        this.internalIds = new HashMap<>(itemTokens.length * 2);
        for (int i = 1; i < itemTokens.length; i++) {
            if (internalIds.put(itemTokens[i], i) != null) {
                throw new IllegalArgumentException("item id '" + itemTokens[i] + "' appears twice");
            }
        }
    }

    @Override
    public boolean knows(String itemId) {
        return internalIds.containsKey(itemId);
    }

    @Override
    public boolean setRecommendable(String itemId, boolean recommendable) {
        Integer id = internalIds.get(itemId);
        if (id == null) {
            return false;
        }
        if (recommendable) {
            blocked.remove(id);
        } else {
            blocked.add(id);
        }
        return true;
    }

    @Override
    public int catalogSize() {
        return itemTokens.length - 1 - blocked.size(); // blocked holds only known ids
    }

    @Override
    public String modelVersion() {
        return version;
    }

    @Override
    public List<Recommendations> recommend(List<String[]> histories, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        List<int[]> mapped = new ArrayList<>(histories.size());
        int[] unknown = new int[histories.size()];
        List<Integer> scorable = new ArrayList<>();
        for (int b = 0; b < histories.size(); b++) {
            String[] history = histories.get(b);
            int[] ids = new int[history.length];
            int n = 0;
            for (String item : history) {
                Integer id = internalIds.get(item);
                if (id == null) {
                    unknown[b]++;
                } else {
                    ids[n++] = id;
                }
            }
            if (n > 0) {
                mapped.add(java.util.Arrays.copyOf(ids, n));
                scorable.add(b);
            }
        }
        float[][] scores = mapped.isEmpty() ? new float[0][] : scorer.score(mapped);
        List<Recommendations> out =
                new ArrayList<>(Collections.nCopies(histories.size(), (Recommendations) null));
        for (int j = 0; j < scorable.size(); j++) {
            int b = scorable.get(j);
            Set<Integer> seen = new HashSet<>();
            if (excludeSeen) {
                for (int id : mapped.get(j)) {
                    seen.add(id);
                }
            }
            int[] top =
                    TopK.select(
                            scores[j], k, i -> i > 0 && !blocked.contains(i) && !seen.contains(i));
            String[] ids = new String[top.length];
            float[] s = new float[top.length];
            for (int t = 0; t < top.length; t++) {
                ids[t] = itemTokens[top[t]];
                s[t] = scores[j][top[t]];
            }
            out.set(b, new Recommendations(ids, s, unknown[b], version));
        }
        // a history with no known item gets no recommendation from a sequence model
        for (int b = 0; b < out.size(); b++) {
            if (out.get(b) == null) {
                out.set(b, new Recommendations(new String[0], new float[0], unknown[b], version));
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (scorer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the scorer of " + version + " failed", e);
            }
        }
    }
}
