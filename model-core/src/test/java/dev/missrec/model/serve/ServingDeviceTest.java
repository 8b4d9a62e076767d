package dev.missrec.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class ServingDeviceTest {

    @Test
    void shouldServeOnTheCpuOrAGpuTheEngineSees() {
        assertThat(ServingDevice.resolve("cpu")).isEqualTo(Device.cpu());
        assertThat(ServingDevice.resolve(null)).isEqualTo(Device.cpu());
        int gpus = Engine.getInstance().getGpuCount();
        // a GPU that is not there falls back to the CPU instead of failing the job
        assertThat(ServingDevice.resolve("gpu:" + gpus)).isEqualTo(Device.cpu());
        assertThat(ServingDevice.resolve("GPU")).isEqualTo(gpus > 0 ? Device.gpu(0) : Device.cpu());
    }

    @Test
    void shouldRefuseAnUnknownDeviceSpelling() {
        assertThatThrownBy(() -> ServingDevice.resolve("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected cpu, gpu or gpu:<n>");
        assertThatThrownBy(() -> ServingDevice.resolve("gpu:x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServingDevice.resolve("gpu:-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
