package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Where the trainer runs: {@code auto} picks the GPU when DJL sees one, else the CPU. */
public enum DeviceChoice {
    /** The first GPU when there is one, else the CPU. */
    AUTO,
    /** The CPU. */
    CPU,
    /** The first GPU; an error when there is none. */
    GPU;

    /**
     * Parses {@code auto}, {@code cpu} or {@code gpu}, case-insensitively.
     *
     * @param name the name
     * @return the choice
     * @throws IllegalArgumentException for any other name
     */
    public static DeviceChoice parse(String name) {
        return EnumNames.parse(DeviceChoice.class, "device", name);
    }

    /**
     * The device this choice means on this machine.
     *
     * @return the device
     * @throws IllegalStateException when a GPU is asked for and the engine sees none
     */
    public Device resolve() {
        Engine engine = Djl.engine();
        int gpus = engine.getGpuCount();
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException(
                            "device=gpu was asked for, but the PyTorch engine sees no GPU (engine "
                                    + engine.getVersion()
                                    + "). Use device=auto or device=cpu, or put a CUDA build of libtorch on the"
                                    + " library path.");
                }
                yield Device.gpu();
            }
        };
    }

    @Override
    public String toString() {
        return EnumNames.of(this);
    }
}
