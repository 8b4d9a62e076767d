package dev.missrec.model.missrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MissRecConfigTest {

    @Test
    void shouldMatchTheReleasedReferenceConfigInThePaperPreset() {
        MissRecConfig c = MissRecConfig.paper();
        assertThat(c.hiddenSize()).isEqualTo(300);
        assertThat(c.numHeads()).isEqualTo(4);
        assertThat(c.innerSize()).isEqualTo(256);
        assertThat(c.encoderLayers()).isEqualTo(1);
        assertThat(c.decoderLayers()).isEqualTo(1);
        assertThat(c.dropout()).isEqualTo(0.5f);
        assertThat(c.maxSeqLength()).isEqualTo(50);
        assertThat(c.temperature()).isEqualTo(0.07f);
        assertThat(c.layerNormEps()).isEqualTo(1e-12f);
        assertThat(c.learningRate()).isEqualTo(1e-3f);
        assertThat(c.batchSize()).isEqualTo(512);
        assertThat(c.interestRatio()).isEqualTo(0.5);
        assertThat(c.gamma()).isEqualTo(1e-4f);
        assertThat(c.patience()).isEqualTo(10);
        assertThat(c.kmeansIterations()).isEqualTo(5);
        assertThat(c.torchpqCompat()).isFalse();
        assertThat(c.itemFusion()).isEqualTo(ItemFusion.DYNAMIC_SHARED);
        assertThat(c.trainStage()).isEqualTo(TrainStage.INDUCTIVE);
        assertThat(c.causalDecoder()).isFalse();
    }

    @Test
    void shouldResolvePresetsByNameAndRefuseUnknownOnes() {
        assertThat(MissRecConfig.preset("PAPER")).isEqualTo(MissRecConfig.paper());
        assertThat(MissRecConfig.preset("tiny")).isEqualTo(MissRecConfig.tiny());
        assertThatThrownBy(() -> MissRecConfig.preset("huge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("huge");
    }

    @Test
    void shouldRefuseInvalidValuesNamingTheField() {
        assertThatThrownBy(() -> MissRecConfig.builder().optNumHeads(7).build())
                .hasMessageContaining("not divisible");
        assertThatThrownBy(() -> MissRecConfig.builder().optDropout(1f).build())
                .hasMessageContaining("dropout");
        assertThatThrownBy(() -> MissRecConfig.builder().optInterestRatio(0).build())
                .hasMessageContaining("interestRatio");
        assertThatThrownBy(() -> MissRecConfig.builder().optBatchSize(0).build())
                .hasMessageContaining("batchSize");
    }

    @Test
    void shouldChangeOnlyTheStageInWithTrainStage() {
        MissRecConfig t = MissRecConfig.paper().withTrainStage(TrainStage.TRANSDUCTIVE);
        assertThat(t.trainStage()).isEqualTo(TrainStage.TRANSDUCTIVE);
        assertThat(t.toBuilder().optTrainStage(TrainStage.INDUCTIVE).build())
                .isEqualTo(MissRecConfig.paper());
    }
}
