package dev.missrec.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a MISSRec/RecBole sequential dataset directory (MISSREC-SPEC.md §1.2) into internal ids.
 *
 * <p>Files for a dataset named {@code X}: {@code X.train.inter}, {@code X.valid.inter}, {@code
 * X.test.inter} (required; TSV with header {@code user_id:token item_id_list:token_seq
 * item_id:token}, history space-separated), {@code X.feat1CLS} (required, text features) and {@code
 * X.feat3CLS} (optional, image features; absent means a text-only dataset) as raw little-endian
 * float32 rows indexed by item token, and optionally {@code X.text} (keyed by ASIN) with {@code
 * X.item2index} (ASIN to token).
 *
 * <p>Token to internal id follows RecBole exactly (§1.3): PAD = 0, then ids 1..N-1 by order of
 * first appearance in RecBole's remap order, which is the {@code item_id} (target) column of train,
 * valid and test in file order, followed by the {@code item_id_list} (history) column of train,
 * valid and test, flattened. The order only changes the numbering, never a metric. Users are
 * numbered the same way from the {@code user_id} column (1-based). Feature tables are re-indexed by
 * internal id with an all-zero row 0.
 */
public final class RecBoleDatasetReader {
    /**
     * The feature size of the reference's CLIP features; other sizes are accepted if consistent.
     */
    public static final int EXPECTED_FEATURE_DIM = 512;

    /** The reference's maximum history length L ({@code MAX_ITEM_LIST_LENGTH}, §1.4). */
    public static final int DEFAULT_MAX_LENGTH = 50;

    private static final String USER_COL = "user_id:token";
    private static final String HISTORY_COL = "item_id_list:token_seq";
    private static final String TARGET_COL = "item_id:token";

    private RecBoleDatasetReader() {}

    /**
     * Reads the dataset in {@code dir}, whose name prefix is found from its single {@code
     * *.train.inter} file, with histories truncated to the reference's L = 50.
     */
    public static SequenceDataset read(Path dir) {
        return read(dir, detectName(dir), DEFAULT_MAX_LENGTH);
    }

    /**
     * Reads dataset {@code name} from {@code dir}, keeping at most the last {@code maxLength} items
     * of every history.
     */
    public static SequenceDataset read(Path dir, String name, int maxLength) {
        if (maxLength < 1) {
            throw DatasetException.invalid("maxLength must be positive: " + maxLength);
        }
        if (!Files.isDirectory(dir)) {
            throw DatasetException.missingFile(dir, "dataset directory");
        }
        Path trainFile = required(dir.resolve(name + ".train.inter"), "training interactions");
        Path validFile = required(dir.resolve(name + ".valid.inter"), "validation interactions");
        Path testFile = required(dir.resolve(name + ".test.inter"), "test interactions");
        Path textFeatFile = required(dir.resolve(name + ".feat1CLS"), "text features");
        Path imageFeatFile = dir.resolve(name + ".feat3CLS");
        Path textFile = dir.resolve(name + ".text");
        Path item2indexFile = dir.resolve(name + ".item2index");

        Map<String, Integer> asinToToken = null;
        if (Files.exists(item2indexFile)) {
            asinToToken = readItem2Index(item2indexFile);
        } else if (Files.exists(textFile)) {
            throw DatasetException.missingFile(
                    item2indexFile, "item index (needed to map " + textFile.getFileName() + ")");
        }

        // Raw feature rows: known from item2index when present, else from the expected size.
        int rawRows = asinToToken != null ? asinToToken.size() : -1;
        RawFeatures rawText = readFeatures(textFeatFile, rawRows);
        RawFeatures rawImage = null;
        if (Files.exists(imageFeatFile)) {
            rawImage = readFeatures(imageFeatFile, rawText.rows);
        }

        List<RawRow> train = readInter(trainFile, rawText.rows);
        List<RawRow> valid = readInter(validFile, rawText.rows);
        List<RawRow> test = readInter(testFile, rawText.rows);

        // RecBole's remap order: targets of train, valid, test, then histories of the same.
        Map<Integer, Integer> itemIds = new LinkedHashMap<>();
        for (List<RawRow> part : List.of(train, valid, test)) {
            for (RawRow r : part) {
                itemIds.putIfAbsent(r.target, itemIds.size() + 1);
            }
        }
        for (List<RawRow> part : List.of(train, valid, test)) {
            for (RawRow r : part) {
                for (int t : r.history) {
                    itemIds.putIfAbsent(t, itemIds.size() + 1);
                }
            }
        }
        Map<String, Integer> userIds = new HashMap<>();
        for (List<RawRow> part : List.of(train, valid, test)) {
            for (RawRow r : part) {
                userIds.putIfAbsent(r.user, userIds.size() + 1);
            }
        }

        int n = itemIds.size() + 1;
        String[] itemTokens = new String[n];
        itemTokens[0] = "[PAD]";
        int[] rawRowOf = new int[n];
        for (Map.Entry<Integer, Integer> e : itemIds.entrySet()) {
            itemTokens[e.getValue()] = Integer.toString(e.getKey());
            rawRowOf[e.getValue()] = e.getKey();
        }

        ItemFeatureTable textFeatures = rawText.reindex(rawRowOf);
        ItemFeatureTable imageFeatures = rawImage == null ? null : rawImage.reindex(rawRowOf);
        String[] itemTexts =
                Files.exists(textFile) ? readTexts(textFile, asinToToken, itemIds, n) : null;

        return new SequenceDataset(
                name,
                userIds.size(),
                itemTokens,
                itemTexts,
                textFeatures,
                imageFeatures,
                toExamples(train, itemIds, userIds, maxLength),
                toExamples(valid, itemIds, userIds, maxLength),
                toExamples(test, itemIds, userIds, maxLength));
    }

    /** The name prefix of the single {@code *.train.inter} file in {@code dir}. */
    public static String detectName(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw DatasetException.missingFile(dir, "dataset directory");
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.train.inter")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                names.add(file.substring(0, file.length() - ".train.inter".length()));
            }
        } catch (IOException e) {
            throw DatasetException.unreadable(dir, e);
        }
        if (names.size() != 1) {
            throw DatasetException.badFile(
                    dir,
                    "expected exactly one *.train.inter file to name the dataset, found "
                            + (names.isEmpty() ? "none" : names));
        }
        return names.get(0);
    }

    private static Path required(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw DatasetException.missingFile(file, what);
        }
        return file;
    }

    private record RawRow(String user, int[] history, int target) {}

    /** A feature file as stored: row r belongs to item token r. */
    private record RawFeatures(Path file, int rows, int dim, FloatBuffer values) {
        ItemFeatureTable reindex(int[] rawRowOf) {
            float[] data = new float[rawRowOf.length * dim];
            // Row 0 is PAD and stays zero (data/dataset.py:60-65).
            for (int id = 1; id < rawRowOf.length; id++) {
                values.get(rawRowOf[id] * dim, data, id * dim, dim);
            }
            return new ItemFeatureTable(rawRowOf.length, dim, data);
        }
    }

    private static RawFeatures readFeatures(Path file, int rows) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
        if (size == 0 || size % Float.BYTES != 0) {
            throw DatasetException.badFile(
                    file, "size " + size + " bytes is not a positive multiple of 4 (float32)");
        }
        long floats = size / Float.BYTES;
        int dim;
        if (rows > 0) {
            if (floats % rows != 0) {
                throw DatasetException.badFile(
                        file,
                        "size "
                                + size
                                + " bytes is not a multiple of "
                                + rows
                                + " rows x 4 bytes (expected "
                                + rows
                                + " x "
                                + EXPECTED_FEATURE_DIM
                                + " float32)");
            }
            dim = (int) (floats / rows);
        } else {
            if (floats % EXPECTED_FEATURE_DIM != 0) {
                throw DatasetException.badFile(
                        file,
                        "size "
                                + size
                                + " bytes is not a multiple of "
                                + EXPECTED_FEATURE_DIM
                                + " float32 values; add the .item2index file to give the row count");
            }
            dim = EXPECTED_FEATURE_DIM;
            rows = (int) (floats / dim);
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            return new RawFeatures(
                    file, rows, dim, bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
    }

    private static List<RawRow> readInter(Path file, int rawRows) {
        List<RawRow> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw DatasetException.badFile(file, "empty file, expected a header line");
            }
            List<String> cols = Arrays.asList(header.strip().split("\t"));
            int userCol = cols.indexOf(USER_COL);
            int historyCol = cols.indexOf(HISTORY_COL);
            int targetCol = cols.indexOf(TARGET_COL);
            if (userCol < 0 || historyCol < 0 || targetCol < 0) {
                throw DatasetException.badLine(
                        file,
                        1,
                        "header must name the columns "
                                + List.of(USER_COL, HISTORY_COL, TARGET_COL)
                                + ", got "
                                + cols);
            }
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != cols.size()) {
                    throw DatasetException.badLine(
                            file,
                            lineNo,
                            "expected " + cols.size() + " tab-separated fields, got " + f.length);
                }
                String user = f[userCol].strip();
                if (user.isEmpty()) {
                    throw DatasetException.badLine(file, lineNo, "empty user_id");
                }
                String hist = f[historyCol].strip();
                if (hist.isEmpty()) {
                    throw DatasetException.badLine(file, lineNo, "empty item_id_list");
                }
                String[] tokens = hist.split(" +");
                int[] history = new int[tokens.length];
                for (int i = 0; i < tokens.length; i++) {
                    history[i] = itemToken(file, lineNo, tokens[i], rawRows);
                }
                rows.add(new RawRow(user, history, itemToken(file, lineNo, f[targetCol], rawRows)));
            }
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
        return rows;
    }

    private static int itemToken(Path file, long lineNo, String token, int rawRows) {
        int t;
        try {
            t = Integer.parseInt(token.strip());
        } catch (NumberFormatException e) {
            throw DatasetException.badLine(
                    file, lineNo, "item token '" + token + "' is not a feature row index");
        }
        if (t < 0 || t >= rawRows) {
            throw DatasetException.badLine(
                    file,
                    lineNo,
                    "item token "
                            + t
                            + " out of range: feature files have rows 0.."
                            + (rawRows - 1));
        }
        return t;
    }

    private static Map<String, Integer> readItem2Index(Path file) {
        Map<String, Integer> map = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 2) {
                    throw DatasetException.badLine(file, lineNo, "expected 'ASIN<TAB>index'");
                }
                int idx;
                try {
                    idx = Integer.parseInt(f[1].strip());
                } catch (NumberFormatException e) {
                    throw DatasetException.badLine(
                            file, lineNo, "index '" + f[1] + "' is not an integer");
                }
                if (map.put(f[0].strip(), idx) != null) {
                    throw DatasetException.badLine(file, lineNo, "duplicate item " + f[0]);
                }
            }
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
        boolean[] seen = new boolean[map.size()];
        for (Map.Entry<String, Integer> e : map.entrySet()) {
            int idx = e.getValue();
            if (idx < 0 || idx >= seen.length || seen[idx]) {
                throw DatasetException.badFile(
                        file,
                        "indices must be 0.."
                                + (seen.length - 1)
                                + " each once; bad index "
                                + idx
                                + " for "
                                + e.getKey());
            }
            seen[idx] = true;
        }
        return map;
    }

    private static String[] readTexts(
            Path file, Map<String, Integer> asinToToken, Map<Integer, Integer> itemIds, int n) {
        String[] texts = new String[n];
        texts[0] = "";
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.startsWith("item_id:token\t")) {
                throw DatasetException.badLine(
                        file, 1, "expected header 'item_id:token<TAB>text:token_seq'");
            }
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", 2);
                if (f.length != 2) {
                    throw DatasetException.badLine(file, lineNo, "expected 'ASIN<TAB>text'");
                }
                Integer token = asinToToken.get(f[0].strip());
                if (token == null) {
                    throw DatasetException.badLine(
                            file, lineNo, "item " + f[0] + " is not in the .item2index file");
                }
                Integer id = itemIds.get(token);
                if (id != null) {
                    texts[id] = f[1].strip();
                }
            }
        } catch (IOException e) {
            throw DatasetException.unreadable(file, e);
        }
        for (int i = 1; i < n; i++) {
            if (texts[i] == null) {
                texts[i] = ""; // no text row: the reference treats such items as having empty text
            }
        }
        return texts;
    }

    private static List<SequenceExample> toExamples(
            List<RawRow> rows,
            Map<Integer, Integer> itemIds,
            Map<String, Integer> userIds,
            int maxLength) {
        List<SequenceExample> out = new ArrayList<>(rows.size());
        for (RawRow r : rows) {
            int from = Math.max(0, r.history.length - maxLength);
            int[] history = new int[r.history.length - from];
            for (int i = from; i < r.history.length; i++) {
                history[i - from] = itemIds.get(r.history[i]);
            }
            out.add(new SequenceExample(userIds.get(r.user), history, itemIds.get(r.target)));
        }
        return out;
    }
}
