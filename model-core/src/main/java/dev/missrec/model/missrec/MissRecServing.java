package dev.missrec.model.missrec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.missrec.model.data.ItemFeatureTable;
import dev.missrec.model.interest.InterestTables;
import dev.missrec.model.interest.InterestTokens;
import dev.missrec.model.nn.Sequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A trained MISSRec model prepared for serving: item tables computed once (adapted, normalised,
 * ID), extended with items that appear at run time, and a ranking call that scores every item of a
 * table set with a few matrix products and selects the best on the device (MISSREC-SPEC.md §2.4).
 *
 * <p>Shapes are fixed to a few buckets — batch sizes {@link #BATCH_BUCKETS} and history widths
 * {@link #widthBuckets()} — so that libtorch sees a small set of shapes, all of them warmed up by
 * {@link #warmUp}; a batch is padded with one-item dummy histories whose rows are dropped. A
 * request is encoded in one or more calls, chosen by cost: histories sorted by length are cut into
 * the contiguous groups whose summed encoder time is least, each group padded to its batch and
 * width bucket. Cutting keeps one long history from making every short one pay for L positions (on
 * Scientific a width-50 row costs about 3x a width-8 row); not cutting saves the fixed cost of a
 * call (about 2 ms on Scientific, comparable to encoding 30 short histories). The time of every
 * shape is measured during the warm-up; until then a matrix-product count stands in for it.
 *
 * <p>Thread safety: {@link #rank} may run on several threads at once over the same tables (the
 * weights and tables are only read; each call has its own sub-manager and scope). Table sets are
 * immutable; {@link #extend} builds a new one. Closing the serving model closes the model.
 */
public final class MissRecServing implements AutoCloseable {
    /** The batch shapes a ranking call pads to; larger requests are split into chunks of 128. */
    public static final int[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

    /** Index into {@link #BATCH_BUCKETS} of the bucket a call of {@code size} histories pads to. */
    private static final int[] BATCH_BUCKET_OF_SIZE =
            new int[BATCH_BUCKETS[BATCH_BUCKETS.length - 1] + 1];

    static {
        for (int size = 1; size < BATCH_BUCKET_OF_SIZE.length; size++) {
            BATCH_BUCKET_OF_SIZE[size] = bucketIndex(BATCH_BUCKETS, size);
        }
    }

    /**
     * Stand-in for the fixed cost of an encoder call before the warm-up measures it, in
     * matrix-product FLOPs: about 2 ms at the few GFLOP/s one core reaches on these shapes.
     */
    private static final double CALL_OVERHEAD_FLOPS = 1e7;

    /** Timed runs of each shape in the warm-up; the fastest counts (noise only adds time). */
    private static final int TIMED_RUNS = 3;

    private final MissRecModel model;
    private final MissRecBlock block;
    private final ParameterStore parameters;
    private final int[] widthBuckets;

    /**
     * Cost of one encoder call per [batch bucket][width bucket], in arbitrary units: FLOPs plus a
     * per-call overhead until {@link #warmUp} replaces them with measured nanoseconds.
     */
    private volatile double[][] encodeCost;

    private volatile boolean measured;

    private MissRecServing(MissRecModel model) {
        this.model = model;
        this.block = model.block();
        // no copies: parameters are read in place by every thread
        this.parameters = new ParameterStore(model.manager(), false);
        this.widthBuckets = widthBuckets(model.config().maxSeqLength());
        double[][] estimate = new double[BATCH_BUCKETS.length][widthBuckets.length];
        for (int b = 0; b < BATCH_BUCKETS.length; b++) {
            for (int w = 0; w < widthBuckets.length; w++) {
                estimate[b][w] =
                        encoderFlops(BATCH_BUCKETS[b], widthBuckets[w]) + CALL_OVERHEAD_FLOPS;
            }
        }
        this.encodeCost = estimate;
    }

    /** Prepares {@code model} (with its interest tables) for serving; takes ownership of it. */
    public static MissRecServing of(MissRecModel model) {
        if (model.interests() == null) {
            throw new IllegalArgumentException("the model has no interest tables");
        }
        return new MissRecServing(model);
    }

    /**
     * History widths: 4 and 6, powers of two from 8, all below L, then L itself. The short ones
     * matter: in 5-core data most histories are short (on Scientific 43% have 4 items and 78% at
     * most 6), and the encoder's cost grows with the width (Q = 2w + 1 interest tokens).
     */
    static int[] widthBuckets(int maxLength) {
        List<Integer> widths = new ArrayList<>();
        for (int w : new int[] {4, 6}) {
            if (w < maxLength) {
                widths.add(w);
            }
        }
        for (int w = 8; w < maxLength; w *= 2) {
            widths.add(w);
        }
        widths.add(maxLength);
        return widths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The history widths a ranking call pads to. */
    public int[] widthBuckets() {
        return widthBuckets.clone();
    }

    public MissRecConfig config() {
        return model.config();
    }

    /** N of the trained tables, PAD included. */
    public int modelItems() {
        return model.numItems();
    }

    public int textDim() {
        return block.textDim();
    }

    public int imageDim() {
        return block.imageDim();
    }

    /**
     * Whether trained item {@code row} already has exactly these features (null = a missing
     * modality, an all-zero row): re-announcing an item's own features changes nothing.
     */
    public boolean hasTrainedFeatures(int row, float[] text, float[] image) {
        return row > 0
                && row < model.numItems()
                && sameRow(model.textFeatures(), row, text)
                && sameRow(model.imageFeatures(), row, image);
    }

    private static boolean sameRow(ItemFeatureTable table, int row, float[] values) {
        float[] trained = table.row(row);
        if (values == null) {
            for (float v : trained) {
                if (v != 0f) {
                    return false;
                }
            }
            return true;
        }
        return Arrays.equals(trained, values);
    }

    /** The device the model and its tables live on. */
    public Device device() {
        return model.manager().getDevice();
    }

    /** The model's parameter count (for FLOP and memory accounting). */
    public long parameterCount() {
        return block.totalParameterCount();
    }

    /**
     * New or changed features of one table row; a null modality is missing and read as an all-zero
     * row, as the reference represents a missing modality (§1.1).
     *
     * @param row the row: below the table's size to replace an item's features, equal to or above
     *     it (consecutively) to add an item
     */
    public record RowFeatures(int row, float[] text, float[] image) {}

    /** The best rows of one history, best first, and their scores. */
    public record Ranked(int[] rows, float[] scores) {}

    /**
     * The tables of the trained items, rows 0..N-1 (row 0 = PAD, never recommendable).
     *
     * @param recommendable per row; null means every trained item
     */
    public Tables modelTables(boolean[] recommendable) {
        int n = model.numItems();
        NDManager manager = model.manager().newSubManager();
        try (NDScope scope = new NDScope()) {
            NDList adapted = block.adaptItems(parameters, false);
            NDArray idTable = block.itemIdTable(parameters, device(), false);
            NDArray ids = idTable == null ? null : idTable.duplicate();
            NDArray weight = idTable == null ? null : manager.ones(new Shape(n));
            Tables t =
                    new Tables(
                            manager,
                            n,
                            adapted.get(0),
                            adapted.get(1),
                            ids,
                            weight,
                            model.interests(),
                            recommendable == null ? defaultRecommendable(n) : recommendable);
            t.keep(scope);
            return t;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static boolean[] defaultRecommendable(int n) {
        boolean[] r = new boolean[n];
        Arrays.fill(r, 1, n, true);
        return r;
    }

    /**
     * A new table set: {@code base} with the rows of {@code changes} replaced or appended (adapted,
     * normalised and assigned to their nearest interest centroids; an appended item has no ID row,
     * see {@link MissRecBlock#servingLogits}) and the given recommendable flags. {@code base} stays
     * valid and unchanged.
     *
     * @param recommendable per row of the result (its length is the new row count)
     */
    public Tables extend(Tables base, List<RowFeatures> changes, boolean[] recommendable) {
        int rows = recommendable.length;
        if (rows < base.rows) {
            throw new IllegalArgumentException(
                    "tables cannot shrink: " + base.rows + " -> " + rows + " rows");
        }
        List<RowFeatures> replaced = new ArrayList<>();
        RowFeatures[] appended = new RowFeatures[rows - base.rows];
        for (RowFeatures c : changes) {
            if (c.row() < 1 || c.row() >= rows) {
                throw new IllegalArgumentException("row " + c.row() + " outside 1.." + (rows - 1));
            }
            requireLength("text", c.text(), block.textDim());
            requireLength("image", c.image(), block.imageDim());
            if (c.row() < base.rows) {
                replaced.add(c);
            } else {
                appended[c.row() - base.rows] = c;
            }
        }
        for (int i = 0; i < appended.length; i++) {
            if (appended[i] == null) {
                throw new IllegalArgumentException(
                        "appended row " + (base.rows + i) + " has no features");
            }
        }
        NDManager manager = model.manager().newSubManager();
        try (NDScope scope = new NDScope()) {
            NDArray adaptedText = base.adaptedText;
            NDArray adaptedImage = base.adaptedImage;
            NDArray ids = base.idInput;
            NDArray weight = base.idWeight;
            int[] textInterest = Arrays.copyOf(base.interests.textLookup(), rows);
            int[] imageInterest = Arrays.copyOf(base.interests.imageLookup(), rows);
            if (appended.length > 0) {
                NDList a = adapt(manager, Arrays.asList(appended));
                adaptedText = adaptedText.concat(a.get(0), 0);
                adaptedImage = adaptedImage.concat(a.get(1), 0);
                assignInterests(
                        a, Arrays.asList(appended), textInterest, imageInterest, base.interests);
                if (ids != null) {
                    // appended items have no ID row: zero input row, no ID term in their logit
                    long d = ids.getShape().get(1);
                    ids = ids.concat(manager.zeros(new Shape(appended.length, d)), 0);
                    weight = weight.concat(manager.zeros(new Shape(appended.length)), 0);
                }
            } else {
                adaptedText = adaptedText.duplicate();
                adaptedImage = adaptedImage.duplicate();
                ids = ids == null ? null : ids.duplicate();
                weight = weight == null ? null : weight.duplicate();
            }
            if (!replaced.isEmpty()) {
                NDList a = adapt(manager, replaced);
                for (int i = 0; i < replaced.size(); i++) {
                    // replaced whole, in place in the fresh copies; a trained item keeps its ID row
                    ai.djl.ndarray.index.NDIndex row =
                            new ai.djl.ndarray.index.NDIndex(replaced.get(i).row());
                    adaptedText.set(row, a.get(0).get(i));
                    adaptedImage.set(row, a.get(1).get(i));
                }
                assignInterests(a, replaced, textInterest, imageInterest, base.interests);
            }
            InterestTables it =
                    new InterestTables(
                            textInterest,
                            imageInterest,
                            base.interests.embeddings(),
                            base.interests.k(),
                            base.interests.dim());
            Tables t =
                    new Tables(
                            manager,
                            rows,
                            adaptedText,
                            adaptedImage,
                            ids,
                            weight,
                            it,
                            recommendable.clone());
            t.keep(scope);
            return t;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** TA and VA of the given rows' features, in their order: [(M, D), (M, D)]. */
    private NDList adapt(NDManager manager, List<RowFeatures> rows) {
        int pt = block.textDim();
        int pv = block.imageDim();
        int m = rows.size();
        float[] text = new float[m * pt];
        float[] image = new float[m * pv];
        for (int i = 0; i < m; i++) {
            RowFeatures c = rows.get(i);
            if (c.text() != null) {
                System.arraycopy(c.text(), 0, text, i * pt, pt);
            }
            if (c.image() != null) {
                System.arraycopy(c.image(), 0, image, i * pv, pv);
            }
        }
        return new NDList(
                block.adaptText(parameters, manager.create(text, new Shape(m, pt)), false),
                block.adaptImage(parameters, manager.create(image, new Shape(m, pv)), false));
    }

    private static void assignInterests(
            NDList adapted,
            List<RowFeatures> rows,
            int[] textInterest,
            int[] imageInterest,
            InterestTables interests) {
        int[] nearestText = nearestInterest(adapted.get(0), interests);
        int[] nearestImage = nearestInterest(adapted.get(1), interests);
        for (int i = 0; i < rows.size(); i++) {
            int row = rows.get(i).row();
            textInterest[row] = nearestText[i];
            imageInterest[row] = nearestImage[i];
        }
    }

    private static void requireLength(String what, float[] v, int dim) {
        if (v != null && v.length != dim) {
            throw new IllegalArgumentException(
                    what + " features have " + v.length + " values, the model reads " + dim);
        }
    }

    /** A copy of {@code a} with {@code rows} rows, new rows zero. */
    private static NDArray grow(NDArray a, int rows) {
        long have = a.getShape().get(0);
        if (have == rows) {
            return a.duplicate();
        }
        Shape extra =
                a.getShape().dimension() == 1
                        ? new Shape(rows - have)
                        : new Shape(rows - have, a.getShape().get(1));
        return a.concat(a.getManager().zeros(extra, a.getDataType()), 0);
    }

    /**
     * The nearest centroid (1..K, Euclidean, as k-means assigned the trained items) of each row.
     */
    private static int[] nearestInterest(NDArray adapted, InterestTables interests) {
        NDManager m = adapted.getManager();
        NDArray centroids =
                m.create(interests.embeddings(), new Shape(interests.k() + 1, interests.dim()))
                        .get("1:");
        // ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2; ||x||^2 does not change the argmin
        NDArray dist =
                centroids
                        .square()
                        .sum(new int[] {1})
                        .expandDims(0)
                        .sub(adapted.matMul(centroids.transpose()).mul(2f));
        long[] arg = dist.argMin(1).toLongArray();
        int[] out = new int[arg.length];
        for (int i = 0; i < arg.length; i++) {
            out[i] = (int) arg[i] + 1;
        }
        return out;
    }

    /**
     * The {@code fetch} best rows of each history among the recommendable rows of {@code tables},
     * best first. Histories are row ids, oldest first, each with at least one item; the last L are
     * used.
     */
    public List<Ranked> rank(Tables tables, List<int[]> histories, int fetch) {
        if (fetch < 1) {
            throw new IllegalArgumentException("fetch must be positive: " + fetch);
        }
        int[] lengths = new int[histories.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = histories.get(i).length;
            if (lengths[i] == 0) {
                throw new IllegalArgumentException("history " + i + " is empty");
            }
            for (int item : histories.get(i)) {
                if (item < 1 || item >= tables.rows) {
                    throw new IllegalArgumentException(
                            "row " + item + " outside 1.." + (tables.rows - 1));
                }
            }
        }
        Ranked[] out = new Ranked[histories.size()];
        for (List<int[]> slice : plan(lengths)) {
            rankSlice(tables, histories, slice, fetch, out);
        }
        return Arrays.asList(out);
    }

    /**
     * How a request is computed: slices of at most 128 histories (scored together: one matrix
     * product per modality against every item), each made of encoder calls over histories of
     * similar length, chosen by {@link #chunk}.
     */
    private List<List<int[]>> plan(int[] lengths) {
        int l = model.config().maxSeqLength();
        int max = BATCH_BUCKETS[BATCH_BUCKETS.length - 1];
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order, (a, b) -> Integer.compare(Math.min(lengths[a], l), Math.min(lengths[b], l)));
        double[][] cost = encodeCost;
        List<List<int[]>> slices = new ArrayList<>();
        for (int start = 0; start < order.length; start += max) {
            int end = Math.min(order.length, start + max);
            int[] sliceOrder = new int[end - start];
            int[] widthIndex = new int[end - start];
            for (int i = start; i < end; i++) {
                sliceOrder[i - start] = order[i];
                widthIndex[i - start] = bucketIndex(widthBuckets, Math.min(lengths[order[i]], l));
            }
            slices.add(chunk(sliceOrder, widthIndex, cost));
        }
        return slices;
    }

    /**
     * Cuts histories sorted by width into contiguous encoder calls of least total cost (dynamic
     * programming over the cut points): a call of histories i..j-1 costs {@code cost[batch bucket
     * of j-i][width bucket of j-1]}, the widest being last.
     */
    static List<int[]> chunk(int[] order, int[] widthIndex, double[][] cost) {
        int n = order.length;
        double[] best = new double[n + 1];
        int[] cut = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            best[j] = Double.POSITIVE_INFINITY;
            for (int i = 0; i < j; i++) {
                double c = best[i] + cost[BATCH_BUCKET_OF_SIZE[j - i]][widthIndex[j - 1]];
                if (c < best[j]) {
                    best[j] = c;
                    cut[j] = i;
                }
            }
        }
        List<int[]> chunks = new ArrayList<>();
        for (int j = n; j > 0; j = cut[j]) {
            chunks.add(Arrays.copyOfRange(order, cut[j], j));
        }
        Collections.reverse(chunks); // collected from the last cut back
        return chunks;
    }

    private int widthOf(int length) {
        return bucket(widthBuckets, Math.min(length, model.config().maxSeqLength()));
    }

    /** Encodes a slice chunk by chunk, then scores all of it at once and selects on the device. */
    private void rankSlice(
            Tables tables, List<int[]> histories, List<int[]> chunks, int fetch, Ranked[] out) {
        int l = model.config().maxSeqLength();
        int n = chunks.stream().mapToInt(c -> c.length).sum();
        int batch = bucket(BATCH_BUCKETS, n);
        int k = Math.min(fetch, tables.rows);
        float[] scores;
        long[] rows;
        try (NDManager sub = tables.manager.newSubManager();
                NDScope scope = new NDScope()) {
            NDList parts = new NDList();
            for (int[] chunk : chunks) {
                List<int[]> part = new ArrayList<>(chunk.length);
                for (int i : chunk) {
                    part.add(Sequences.truncate(histories.get(i), l));
                }
                parts.add(encodeChunk(sub, tables, part).get(new NDIndex("0:" + chunk.length)));
            }
            if (batch > n) {
                parts.add(sub.zeros(new Shape(batch - n, model.config().hiddenSize())));
            }
            NDArray s = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
            NDArray logits =
                    block.servingLogits(
                            parameters, s, tables.candidates, tables.idWeight, tables.penalty);
            NDList top = logits.topK(k, 1, true, true);
            scores = top.get(0).toFloatArray();
            rows = top.get(1).toLongArray();
        }
        int b = 0;
        for (int[] chunk : chunks) {
            for (int i : chunk) {
                int m = 0;
                int[] r = new int[k];
                float[] v = new float[k];
                for (int j = 0; j < k; j++) {
                    float score = scores[b * k + j];
                    if (score == Float.NEGATIVE_INFINITY || Float.isNaN(score)) {
                        break; // only unrecommendable rows are left
                    }
                    r[m] = (int) rows[b * k + j];
                    v[m++] = score;
                }
                out[i] = new Ranked(Arrays.copyOf(r, m), Arrays.copyOf(v, m));
                b++;
            }
        }
    }

    /** Sequence embeddings (B', D) of one width bucket's histories, padded to a batch bucket. */
    private NDArray encodeChunk(NDManager sub, Tables tables, List<int[]> chunk) {
        int batch = bucket(BATCH_BUCKETS, chunk.size());
        int longest = chunk.stream().mapToInt(h -> h.length).max().orElseThrow();
        int width = bucket(widthBuckets, longest);
        List<int[]> padded = new ArrayList<>(chunk);
        while (padded.size() < batch) {
            padded.add(new int[] {1}); // dummy history; its row is dropped
        }
        long[] items = new long[batch * width];
        long[] lengths = new long[batch];
        for (int b = 0; b < batch; b++) {
            int[] h = padded.get(b);
            for (int t = 0; t < h.length; t++) {
                items[b * width + t] = h[t];
            }
            lengths[b] = h.length;
        }
        InterestTokens.Batch tokens =
                InterestTokens.dedup(padded, tables.interests, model.config().maxSeqLength());
        int q = 2 * width + 1; // the widest possible token set of this width: fixed per bucket
        long[] tokenIds = new long[batch * q];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(tokens.ids(), b * tokens.width(), tokenIds, b * q, tokens.width());
        }
        return block.encode(
                        parameters,
                        sub.create(items, new Shape(batch, width)),
                        sub.create(lengths, new Shape(batch)),
                        sub.create(tokenIds, new Shape(batch, q)),
                        tables.decoderInputs,
                        false)
                .get(0);
    }

    private static int bucket(int[] buckets, int size) {
        return buckets[bucketIndex(buckets, size)];
    }

    private static int bucketIndex(int[] buckets, int size) {
        for (int i = 0; i < buckets.length; i++) {
            if (size <= buckets[i]) {
                return i;
            }
        }
        throw new IllegalArgumentException(
                size + " exceeds the largest bucket " + buckets[buckets.length - 1]);
    }

    /**
     * Runs every (batch, width) encoder shape and every batch size of the scoring step once on
     * {@code tables}, so that no request pays for a first call of a shape; then, the first time,
     * times every encoder shape so that {@link #rank} can choose its calls by measured cost.
     */
    public void warmUp(Tables tables) {
        for (int batch : BATCH_BUCKETS) {
            for (int width : widthBuckets) {
                List<int[]> histories = warmUpHistories(tables, batch, width);
                Ranked[] sink = new Ranked[batch];
                int[] all = new int[batch];
                for (int i = 0; i < batch; i++) {
                    all[i] = i;
                }
                rankSlice(tables, histories, List.of(all), Math.min(10, tables.rows), sink);
            }
        }
        if (!measured) {
            encodeCost = measureEncodeCost(tables);
            measured = true;
        }
    }

    private static List<int[]> warmUpHistories(Tables tables, int batch, int width) {
        List<int[]> histories = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            int[] h = new int[width];
            for (int t = 0; t < width; t++) {
                h[t] = 1 + (b * 31 + t * 7) % (tables.rows - 1);
            }
            histories.add(h);
        }
        return histories;
    }

    /**
     * The fastest of a few timed encoder calls per shape, in nanoseconds, made monotone (a larger
     * shape never counts as cheaper than a smaller one, whatever the noise).
     */
    private double[][] measureEncodeCost(Tables tables) {
        double[][] cost = new double[BATCH_BUCKETS.length][widthBuckets.length];
        for (int b = 0; b < BATCH_BUCKETS.length; b++) {
            for (int w = 0; w < widthBuckets.length; w++) {
                List<int[]> histories = warmUpHistories(tables, BATCH_BUCKETS[b], widthBuckets[w]);
                long fastest = Long.MAX_VALUE;
                for (int r = 0; r < TIMED_RUNS; r++) {
                    try (NDManager sub = tables.manager.newSubManager();
                            NDScope scope = new NDScope()) {
                        long t0 = System.nanoTime();
                        // reading a value waits for an asynchronous (GPU) computation to end
                        encodeChunk(sub, tables, histories).get(0, 0).getFloat();
                        fastest = Math.min(fastest, System.nanoTime() - t0);
                    }
                }
                cost[b][w] = fastest;
            }
        }
        for (int b = 0; b < cost.length; b++) {
            for (int w = 0; w < cost[b].length; w++) {
                double below = Math.max(b > 0 ? cost[b - 1][w] : 0, w > 0 ? cost[b][w - 1] : 0);
                cost[b][w] = Math.max(cost[b][w], below);
            }
        }
        return cost;
    }

    /**
     * Takes over {@code other}'s measured encoder costs when its shapes cost the same (same
     * buckets, same matrix products per shape, same device), so that hot-swapping a retrained model
     * of the same architecture does not measure again. Call before {@link #warmUp}.
     */
    public void adoptCosts(MissRecServing other) {
        if (!other.measured
                || !Arrays.equals(widthBuckets, other.widthBuckets)
                || !device().equals(other.device())) {
            return;
        }
        for (int b : BATCH_BUCKETS) {
            for (int w : widthBuckets) {
                if (encoderFlops(b, w) != other.encoderFlops(b, w)) {
                    return;
                }
            }
        }
        encodeCost = other.encodeCost;
        measured = true;
    }

    /** The encoder cost table the plan uses, [batch bucket][width bucket] (for tests and logs). */
    double[][] encodeCost() {
        double[][] c = encodeCost;
        double[][] copy = new double[c.length][];
        for (int i = 0; i < c.length; i++) {
            copy[i] = c[i].clone();
        }
        return copy;
    }

    /**
     * Floating-point operations a ranking call of histories of these lengths costs as executed:
     * split as {@link #rank} splits it, each call rounded up to its batch and width buckets.
     */
    public double flopsOfCall(int[] lengths, int rows) {
        double total = 0;
        for (List<int[]> slice : plan(lengths)) {
            int n = 0;
            for (int[] chunk : slice) {
                int longest = 1;
                for (int i : chunk) {
                    longest = Math.max(longest, lengths[i]);
                }
                total += encoderFlops(bucket(BATCH_BUCKETS, chunk.length), widthOf(longest));
                n += chunk.length;
            }
            total += scoringFlops(bucket(BATCH_BUCKETS, n), rows);
        }
        return total;
    }

    /**
     * The FLOPs of {@link #flopsOfCall} that do useful work: every history encoded at its own
     * length (Q = 2 length + 1), no padding rows, only the real histories scored.
     */
    public double usefulFlops(int[] lengths, int rows) {
        int l = model.config().maxSeqLength();
        double total = scoringFlops(lengths.length, rows);
        for (int length : lengths) {
            total += encoderFlops(1, Math.min(length, l));
        }
        return total;
    }

    /** Matrix-product FLOPs of encoding {@code batch} histories padded to {@code width}. */
    private double encoderFlops(int batch, int width) {
        MissRecConfig c = model.config();
        double d = c.hiddenSize();
        double inner = c.innerSize();
        double q = 2.0 * width + 1;
        double enc = c.encoderLayers() * q * (8 * d * d + 4 * q * d + 4 * d * inner);
        double dec =
                c.decoderLayers()
                        * (width * (8 * d * d + 4 * width * d + 4 * d * inner) // self + FFN
                                + width * 4 * d * d // cross-attention Q and output projections
                                + q * 4 * d * d // cross-attention K and V of the memory
                                + 4 * width * q * d);
        return batch * (enc + dec);
    }

    /** Matrix-product FLOPs of scoring {@code batch} sequence embeddings against every row. */
    private double scoringFlops(int batch, int rows) {
        double modalities = block.hasItemIdTable() ? 3 : 2;
        return batch * modalities * 2.0 * model.config().hiddenSize() * rows;
    }

    @Override
    public void close() {
        model.close();
    }

    /**
     * The item tables of one catalog state: raw adapted rows (decoder input), normalised candidate
     * rows, the ID rows in transductive mode, per-row interest ids, and a penalty row that is 0 for
     * recommendable items and -inf otherwise. Immutable; close after its last use.
     */
    public static final class Tables implements AutoCloseable {
        private final NDManager manager;
        private final int rows;
        private final NDArray adaptedText;
        private final NDArray adaptedImage;
        private final NDArray idInput;
        private final NDArray idWeight;
        private final NDList decoderInputs;
        private final NDList candidates;
        private final NDArray penalty;
        private final InterestTables interests;
        private final boolean[] recommendable;

        private Tables(
                NDManager manager,
                int rows,
                NDArray adaptedText,
                NDArray adaptedImage,
                NDArray idInput,
                NDArray idWeight,
                InterestTables interests,
                boolean[] recommendable) {
            if (recommendable.length != rows || interests.numItems() != rows) {
                throw new IllegalArgumentException(
                        "tables of "
                                + rows
                                + " rows with "
                                + recommendable.length
                                + " flags and "
                                + interests.numItems()
                                + " interest ids");
            }
            this.manager = manager;
            this.rows = rows;
            this.adaptedText = adaptedText;
            this.adaptedImage = adaptedImage;
            this.idInput = idInput;
            this.idWeight = idWeight;
            this.interests = interests;
            this.recommendable = recommendable;
            decoderInputs = new NDList(adaptedText, adaptedImage);
            candidates =
                    new NDList(
                            MissRecBlock.normalize(adaptedText),
                            MissRecBlock.normalize(adaptedImage));
            if (idInput != null) {
                decoderInputs.add(idInput);
                candidates.add(MissRecBlock.normalize(idInput));
            }
            float[] p = new float[rows];
            for (int i = 0; i < rows; i++) {
                p[i] = recommendable[i] ? 0f : Float.NEGATIVE_INFINITY;
            }
            penalty = manager.create(p);
        }

        /** Moves every array of these tables out of {@code scope} into their own manager. */
        private void keep(NDScope scope) {
            NDList all = new NDList(adaptedText, adaptedImage, penalty);
            all.addAll(candidates);
            if (idInput != null) {
                all.add(idInput);
                all.add(idWeight);
            }
            NDScope.unregister(all);
            all.attach(manager);
        }

        /** Rows, PAD included. */
        public int rows() {
            return rows;
        }

        /** Whether row {@code row} may be recommended. */
        public boolean recommendable(int row) {
            return recommendable[row];
        }

        /** Per-row recommendable flags (a copy). */
        public boolean[] recommendableFlags() {
            return recommendable.clone();
        }

        /** The text and image interest ids of {@code row}. */
        public int[] interestsOf(int row) {
            return new int[] {interests.textLookup()[row], interests.imageLookup()[row]};
        }

        /** Bytes held on the device (for the catalog-size metric and memory accounting). */
        public long deviceBytes() {
            long d = adaptedText.getShape().get(1);
            long tables = idInput == null ? 4 : 6;
            return 4L * rows * (tables * d + 2);
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
