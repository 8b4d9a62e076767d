package dev.missrec.model.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a {@link SequenceDataset} as a MISSRec/RecBole dataset directory that {@link
 * RecBoleDatasetReader} (and the reference code) can read: the way to put a generated dataset on
 * disk for the CLI, demos and jobs.
 *
 * <p>Item with internal id {@code i} gets token (feature row) {@code i - 1}; its dataset token
 * becomes the "ASIN" of {@code X.item2index} and {@code X.text}. User {@code u} gets token {@code u
 * - 1}. Reading the directory back renumbers items by first appearance (MISSREC-SPEC.md §1.3), so
 * internal ids may differ, but every case, feature row and text is preserved; an item that no case
 * mentions is dropped on reading, as RecBole drops it.
 */
public final class RecBoleDatasetWriter {
    private static final String HEADER = "user_id:token\titem_id_list:token_seq\titem_id:token";

    private RecBoleDatasetWriter() {}

    /**
     * Writes {@code data} into {@code dir} (created if needed) under the name {@code data.name()}.
     *
     * @throws IllegalArgumentException if the dataset has no text features (the reader requires
     *     {@code X.feat1CLS})
     */
    public static void write(SequenceDataset data, Path dir) throws IOException {
        if (data.textFeatures() == null) {
            throw new IllegalArgumentException(
                    "dataset " + data.name() + " has no text features; X.feat1CLS is required");
        }
        Files.createDirectories(dir);
        String name = data.name();
        writeInter(dir.resolve(name + ".train.inter"), data.train());
        writeInter(dir.resolve(name + ".valid.inter"), data.valid());
        writeInter(dir.resolve(name + ".test.inter"), data.test());
        writeFeatures(dir.resolve(name + ".feat1CLS"), data.textFeatures());
        if (data.imageFeatures() != null) {
            writeFeatures(dir.resolve(name + ".feat3CLS"), data.imageFeatures());
        }
        String[] tokens = data.itemTokens();
        try (BufferedWriter index =
                        Files.newBufferedWriter(
                                dir.resolve(name + ".item2index"), StandardCharsets.UTF_8);
                BufferedWriter text =
                        Files.newBufferedWriter(
                                dir.resolve(name + ".text"), StandardCharsets.UTF_8)) {
            text.write("item_id:token\ttext:token_seq\n");
            for (int i = 1; i < tokens.length; i++) {
                String asin = tokens[i].replace('\t', ' ');
                index.write(asin + "\t" + (i - 1) + "\n");
                String itemText = data.itemTexts() == null ? "" : data.itemTexts()[i];
                text.write(asin + "\t" + itemText.replace('\t', ' ').replace('\n', ' ') + "\n");
            }
        }
    }

    private static void writeInter(Path file, List<SequenceExample> cases) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            StringBuilder line = new StringBuilder();
            for (SequenceExample c : cases) {
                line.setLength(0);
                line.append(c.user() - 1).append('\t');
                int[] h = c.history();
                for (int k = 0; k < h.length; k++) {
                    if (k > 0) {
                        line.append(' ');
                    }
                    line.append(h[k] - 1);
                }
                line.append('\t').append(c.target() - 1).append('\n');
                out.write(line.toString());
            }
        }
    }

    /** Raw little-endian float32 rows without the PAD row: row r is internal id r + 1. */
    private static void writeFeatures(Path file, ItemFeatureTable table) throws IOException {
        int dim = table.dim();
        ByteBuffer row = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(file)) {
            float[] data = table.data();
            for (int i = 1; i < table.rows(); i++) {
                row.clear();
                row.asFloatBuffer().put(data, i * dim, dim);
                out.write(row.array());
            }
        }
    }
}
