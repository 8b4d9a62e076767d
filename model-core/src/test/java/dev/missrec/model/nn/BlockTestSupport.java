package dev.missrec.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Helpers to overwrite block parameters with constants for hand-computed tests. */
final class BlockTestSupport {
    private BlockTestSupport() {}

    /** Sets every parameter whose path (names joined by '_') ends with {@code suffix}. */
    static int set(Block block, String suffix, float value) {
        int n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().endsWith(suffix)) {
                NDArray a = p.getValue().getArray();
                a.set(new ai.djl.ndarray.index.NDIndex(":"), value);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no parameter ends with " + suffix);
        }
        return n;
    }

    /**
     * Sets the one parameter whose path ends with {@code path} to {@code values} (same shape). DJL
     * prefixes child names with their index ("01query"), hence the suffix match.
     */
    static void setExact(Block block, String path, NDArray values) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().endsWith(path)) {
                p.getValue().getArray().set(new ai.djl.ndarray.index.NDIndex(":"), values);
                return;
            }
        }
        throw new IllegalArgumentException(
                "no parameter " + path + " in " + block.getParameters().keys());
    }
}
