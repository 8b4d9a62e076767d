package dev.missrec.model.serve;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the device a serving model runs on: the CPU, or GPU {@code i} when the engine sees it, so
 * a Flink slot can pin the GPU its task manager was given. A GPU that is not there falls back to
 * the CPU with one clear log line rather than failing the job.
 */
public final class ServingDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ServingDevice.class);

    private ServingDevice() {}

    /**
     * @param spec "cpu", "gpu" (GPU 0) or "gpu:i"
     * @throws IllegalArgumentException for any other spelling
     */
    public static Device resolve(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        int index;
        if (s.equals("gpu")) {
            index = 0;
        } else if (s.startsWith("gpu:")) {
            try {
                index = Integer.parseInt(s.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device '" + spec + "': expected gpu:<n>");
            }
        } else {
            throw new IllegalArgumentException(
                    "bad device '" + spec + "': expected cpu, gpu or gpu:<n>");
        }
        if (index < 0) {
            throw new IllegalArgumentException("bad device '" + spec + "': negative GPU index");
        }
        int gpus = Engine.getInstance().getGpuCount();
        if (index >= gpus) {
            LOG.warn(
                    "Device {} requested but the engine sees {} GPU(s); serving on the CPU",
                    spec,
                    gpus);
            return Device.cpu();
        }
        return Device.gpu(index);
    }
}
