package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecBoleDatasetReaderTest {
    private static final Path SCIENTIFIC =
            Path.of("..", "..", "shared", "data", "amazon-scientific-mm");
    private static final String HEADER = "user_id:token\titem_id_list:token_seq\titem_id:token\n";

    @TempDir Path dir;

    @Test
    void shouldReadScientificWithTheReferenceCounts() throws IOException {
        assumeTrue(
                Files.isDirectory(SCIENTIFIC),
                "real dataset not found at " + SCIENTIFIC.toAbsolutePath());
        SequenceDataset data = RecBoleDatasetReader.read(SCIENTIFIC);

        assertThat(data.name()).isEqualTo("Scientific");
        DatasetStats stats = DatasetStats.of(data);
        assertThat(stats.users()).isEqualTo(2928);
        assertThat(stats.items()).isEqualTo(1585);
        assertThat(stats.interactions()).isEqualTo(19712);
        assertThat(data.numUsers()).isEqualTo(2928);
        assertThat(data.numItems()).isEqualTo(1586);
        assertThat(data.train()).hasSize(10928);
        assertThat(data.valid()).hasSize(2928);
        assertThat(data.test()).hasSize(2928);

        // PAD row zero in both modalities; 512-d CLIP features
        assertThat(data.textFeatures().dim()).isEqualTo(512);
        assertThat(data.imageFeatures().dim()).isEqualTo(512);
        assertThat(data.textFeatures().isEmpty(0)).isTrue();
        assertThat(data.imageFeatures().isEmpty(0)).isTrue();

        // The first train line is "0 <TAB> 0 1 <TAB> 2": RecBole numbers targets first, so token 2
        // -> 1.
        assertThat(data.itemTokens()[1]).isEqualTo("2");
        assertThat(data.train().get(0).target()).isEqualTo(1);

        // A feature row equals the raw file row of its token.
        int id = indexOf(data.itemTokens(), "1234");
        assertThat(data.textFeatures().row(id))
                .containsExactly(rawRow(SCIENTIFIC.resolve("Scientific.feat1CLS"), 1234, 512));
        assertThat(data.imageFeatures().row(id))
                .containsExactly(rawRow(SCIENTIFIC.resolve("Scientific.feat3CLS"), 1234, 512));

        // Token 0 is ASIN B00O47ILVA (first line of item2index); its text comes from X.text.
        String expected =
                Files.readAllLines(SCIENTIFIC.resolve("Scientific.text")).stream()
                        .filter(l -> l.startsWith("B00O47ILVA\t"))
                        .findFirst()
                        .orElseThrow()
                        .split("\t", 2)[1]
                        .strip();
        assertThat(data.itemTexts()[indexOf(data.itemTokens(), "0")]).isEqualTo(expected);
    }

    @Test
    void shouldNumberItemsByFirstAppearanceOfTargetsThenHistories() throws IOException {
        writeDataset("T", "u1\t4 3\t2\n", "u1\t4 3 2\t0\n", "u1\t4 3 2 0\t1\n", 5, 3, true);
        SequenceDataset data = RecBoleDatasetReader.read(dir);

        // targets of train, valid, test: 2, 0, 1; then histories: 4, 3
        assertThat(data.itemTokens()).containsExactly("[PAD]", "2", "0", "1", "4", "3");
        assertThat(data.train().get(0).history()).containsExactly(4, 5);
        assertThat(data.train().get(0).target()).isEqualTo(1);
        assertThat(data.test().get(0).history()).containsExactly(4, 5, 1, 2);
        assertThat(data.test().get(0).user()).isEqualTo(1);
        // row of internal id 4 is raw row 4 (token "4"), whose values are 4*10 + d
        assertThat(data.textFeatures().row(4)).containsExactly(40f, 41f, 42f);
        assertThat(data.imageFeatures().row(4)).containsExactly(-40f, -41f, -42f);
        assertThat(data.textFeatures().row(0)).containsExactly(0f, 0f, 0f);
    }

    @Test
    void shouldLeaveTheImageTableNullWhenThereIsNoImageFile() throws IOException {
        writeDataset("T", "u1\t1\t2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t4\n", 5, 3, false);
        SequenceDataset data = RecBoleDatasetReader.read(dir);
        assertThat(data.imageFeatures()).isNull();
        assertThat(data.textFeatures().rows()).isEqualTo(5);
    }

    @Test
    void shouldTruncateHistoriesToTheLastLItems() throws IOException {
        writeDataset("T", "u1\t1 2 3\t4\n", "u1\t1 2 3 4\t0\n", "u1\t1 2 3 4 0\t1\n", 5, 3, true);
        SequenceDataset data = RecBoleDatasetReader.read(dir, "T", 2);
        assertThat(data.test().get(0).history()).hasSize(2);
        String[] tok = data.itemTokens();
        assertThat(tok[data.test().get(0).history()[0]]).isEqualTo("4");
        assertThat(tok[data.test().get(0).history()[1]]).isEqualTo("0");
    }

    @Test
    void shouldNameTheMissingFile() throws IOException {
        writeDataset("T", "u1\t1\t2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t4\n", 5, 3, true);
        Files.delete(dir.resolve("T.valid.inter"));
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("missing validation interactions")
                .hasMessageContaining("T.valid.inter");
    }

    @Test
    void shouldNameAMissingDatasetDirectory() {
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir.resolve("nope")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("missing dataset directory");
    }

    @Test
    void shouldGiveFileAndLineOfAMalformedLine() throws IOException {
        writeDataset("T", "u1\t1\t2\nu2\t1 2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t4\n", 5, 3, true);
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir))
                .isInstanceOfSatisfying(
                        DatasetException.class,
                        e -> {
                            assertThat(e.line()).isEqualTo(3);
                            assertThat(e.file()).contains(dir.resolve("T.train.inter"));
                        })
                .hasMessageContaining("T.train.inter:3")
                .hasMessageContaining("expected 3 tab-separated fields, got 2");
    }

    @Test
    void shouldRejectANonNumericItemToken() throws IOException {
        writeDataset("T", "u1\t1 x\t2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t4\n", 5, 3, true);
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("T.train.inter:2")
                .hasMessageContaining("'x'");
    }

    @Test
    void shouldRejectATokenOutOfTheFeatureRange() throws IOException {
        writeDataset("T", "u1\t1\t2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t7\n", 5, 3, true);
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("T.test.inter:2")
                .hasMessageContaining("item token 7 out of range")
                .hasMessageContaining("0..4");
    }

    @Test
    void shouldRejectAFeatureFileWhoseSizeIsNotAMultipleOfTheRows() throws IOException {
        writeDataset("T", "u1\t1\t2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t4\n", 5, 3, true);
        Files.write(dir.resolve("T.feat3CLS"), new byte[5 * 3 * 4 + 4]);
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("T.feat3CLS")
                .hasMessageContaining("not a multiple of 5 rows");
    }

    @Test
    void shouldRejectAWrongHeader() throws IOException {
        writeDataset("T", "u1\t1\t2\n", "u1\t1 2\t3\n", "u1\t1 2 3\t4\n", 5, 3, true);
        Files.writeString(dir.resolve("T.test.inter"), "user\titems\titem\nu1\t1 2 3\t4\n");
        assertThatThrownBy(() -> RecBoleDatasetReader.read(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("T.test.inter:1")
                .hasMessageContaining("item_id_list:token_seq");
    }

    /** Writes a dataset T with {@code rows} items of {@code dim} features (row r = 10r + d). */
    private void writeDataset(
            String name,
            String train,
            String valid,
            String test,
            int rows,
            int dim,
            boolean withImage)
            throws IOException {
        Files.writeString(dir.resolve(name + ".train.inter"), HEADER + train);
        Files.writeString(dir.resolve(name + ".valid.inter"), HEADER + valid);
        Files.writeString(dir.resolve(name + ".test.inter"), HEADER + test);
        ByteBuffer text = ByteBuffer.allocate(rows * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer image = ByteBuffer.allocate(rows * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder index = new StringBuilder();
        StringBuilder texts = new StringBuilder("item_id:token\ttext:token_seq\n");
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < dim; d++) {
                text.putFloat(10f * r + d);
                image.putFloat(-(10f * r + d));
            }
            index.append("ASIN").append(r).append('\t').append(r).append('\n');
            texts.append("ASIN").append(r).append("\tthing ").append(r).append(".\n");
        }
        Files.write(dir.resolve(name + ".feat1CLS"), text.array());
        if (withImage) {
            Files.write(dir.resolve(name + ".feat3CLS"), image.array());
        }
        Files.writeString(dir.resolve(name + ".item2index"), index);
        Files.writeString(dir.resolve(name + ".text"), texts);
    }

    private static int indexOf(String[] tokens, String token) {
        int i = List.of(tokens).indexOf(token);
        assertThat(i).as("token %s present", token).isPositive();
        return i;
    }

    private static float[] rawRow(Path file, int row, int dim) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            out[d] = b.getFloat((row * dim + d) * 4);
        }
        return out;
    }
}
