package dev.missrec.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SyntheticDatasetGenerator;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import dev.missrec.schemas.serde.Serdes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemCatalogTest {

    private static final SequenceDataset DATA =
            new SyntheticDatasetGenerator(
                            SyntheticDatasetGenerator.Options.builder()
                                    .optUsers(20)
                                    .optItems(80)
                                    .optTopics(4)
                                    .optFeatureDim(6)
                                    .optMissingModalityRate(0.5)
                                    .optSeed(9)
                                    .build())
                    .generate();

    @Test
    void shouldPublishEveryRealItemActiveWithItsTextAndVectors() {
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        List<ItemFeatures> items = ItemCatalog.features(DATA, "txt", "img", t);

        assertThat(items).hasSize(DATA.numItems() - 1);
        for (int id = 1; id < DATA.numItems(); id++) {
            ItemFeatures f = items.get(id - 1);
            assertThat(f.getItemId()).isEqualTo(DATA.itemTokens()[id]);
            assertThat(f.getStatus()).isEqualTo(ItemStatus.ACTIVE);
            assertThat(f.getText()).isEqualTo(DATA.itemTexts()[id]);
            assertThat(f.getUpdateTime()).isEqualTo(t);
            float[] row = DATA.textFeatures().row(id);
            if (DATA.textFeatures().isEmpty(id)) {
                assertThat(f.getTextEmbedding()).isNull();
                assertThat(f.getTextEmbeddingModel()).isNull();
            } else {
                assertThat(f.getTextEmbedding()).hasSize(row.length);
                assertThat(f.getTextEmbedding().get(row.length - 1)).isEqualTo(row[row.length - 1]);
                assertThat(f.getTextEmbeddingModel()).isEqualTo("txt");
            }
            assertThat(f.getImageEmbedding() == null).isEqualTo(DATA.imageFeatures().isEmpty(id));
            // every record must be encodable for the items topic
            assertThat(Serdes.itemFeatures().deserialize(Serdes.itemFeatures().serialize(f)))
                    .isEqualTo(f);
        }
    }

    @Test
    void shouldMarkAMissingModalityAsNullNotAsAZeroVector() {
        List<ItemFeatures> items = ItemCatalog.features(DATA, "txt", "img", Instant.EPOCH);
        // at a 50% missing rate some items lack one modality (and none lacks both)
        assertThat(items).anyMatch(f -> f.getTextEmbedding() == null);
        assertThat(items).anyMatch(f -> f.getImageEmbedding() == null);
        assertThat(items)
                .noneMatch(f -> f.getTextEmbedding() == null && f.getImageEmbedding() == null);
    }

    @Test
    void shouldLookUpTextByItemId() {
        Map<String, String> texts = ItemCatalog.texts(DATA);
        assertThat(texts).hasSize(DATA.numItems() - 1);
        assertThat(texts.get(DATA.itemTokens()[5])).isEqualTo(DATA.itemTexts()[5]);
        assertThat(texts).doesNotContainKey("[PAD]");
    }
}
