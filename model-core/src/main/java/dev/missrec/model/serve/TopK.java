package dev.missrec.model.serve;

import java.util.Arrays;

/** Selects the K best-scoring entries of a score row in O(N log K) with a small min-heap. */
final class TopK {
    private TopK() {}

    /**
     * Indices of the {@code k} highest scores among {@code allowed} entries, best first; ties go to
     * the lower index, so results are deterministic.
     */
    static int[] select(float[] scores, int k, java.util.function.IntPredicate allowed) {
        int[] heap = new int[Math.max(k, 0)];
        int size = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!allowed.test(i) || Float.isNaN(scores[i])) {
                continue;
            }
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (k > 0 && better(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, size, scores);
            }
        }
        int[] out = Arrays.copyOf(heap, size);
        // heap order -> best first
        Integer[] boxed = Arrays.stream(out).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> better(a, b, scores) ? -1 : (better(b, a, scores) ? 1 : 0));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    /** True when entry a ranks before entry b. */
    private static boolean better(int a, int b, float[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] s) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (better(h[parent], h[i], s)) {
                int t = h[parent];
                h[parent] = h[i];
                h[i] = t;
                i = parent;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] h, int size, float[] s) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && better(h[worst], h[l], s)) {
                worst = l;
            }
            if (r < size && better(h[worst], h[r], s)) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            int t = h[worst];
            h[worst] = h[i];
            h[i] = t;
            i = worst;
        }
    }
}
