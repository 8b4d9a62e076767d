package dev.missrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecBoleDatasetWriterTest {
    @TempDir Path dir;

    @Test
    void shouldReadBackEveryCaseFeatureAndTextOfAWrittenDataset() throws IOException {
        SequenceDataset original =
                new SyntheticDatasetGenerator(
                                SyntheticDatasetGenerator.Options.builder()
                                        .optUsers(80)
                                        .optItems(40)
                                        .optTopics(4)
                                        .optFeatureDim(8)
                                        .optSeed(3)
                                        .build())
                        .generate();
        RecBoleDatasetWriter.write(original, dir);
        SequenceDataset read = RecBoleDatasetReader.read(dir);

        assertThat(read.name()).isEqualTo("synthetic");
        assertThat(DatasetStats.of(read).users()).isEqualTo(DatasetStats.of(original).users());
        assertThat(DatasetStats.of(read).interactions())
                .isEqualTo(DatasetStats.of(original).interactions());
        assertSameCases(original, read, original.train(), read.train());
        assertSameCases(original, read, original.valid(), read.valid());
        assertSameCases(original, read, original.test(), read.test());
    }

    private static void assertSameCases(
            SequenceDataset a,
            SequenceDataset b,
            List<SequenceExample> ca,
            List<SequenceExample> cb) {
        assertThat(cb).hasSameSizeAs(ca);
        for (int k = 0; k < ca.size(); k++) {
            SequenceExample x = ca.get(k);
            SequenceExample y = cb.get(k);
            assertThat(y.history()).hasSameSizeAs(x.history());
            for (int p = 0; p < x.history().length; p++) {
                assertSameItem(a, b, x.history()[p], y.history()[p]);
            }
            assertSameItem(a, b, x.target(), y.target());
        }
    }

    private static void assertSameItem(SequenceDataset a, SequenceDataset b, int ia, int ib) {
        // the reader's token is the feature row, which the writer set to original id - 1
        assertThat(b.itemTokens()[ib]).isEqualTo(Integer.toString(ia - 1));
        assertThat(b.textFeatures().row(ib)).containsExactly(a.textFeatures().row(ia));
        assertThat(b.imageFeatures().row(ib)).containsExactly(a.imageFeatures().row(ia));
        assertThat(b.itemTexts()[ib]).isEqualTo(a.itemTexts()[ia]);
    }
}
