package io.github.vicregstreams.bench;

import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.StepResult;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.util.Locale;
import java.util.Random;

/**
 * A smoke check of one device against the CPU, for machines with a GPU: trains a few steps on the
 * device, moves the checkpoint to the CPU and compares the two models' embeddings. Prints what it
 * saw; exits non-zero when the device is missing or the two disagree.
 *
 * <p>Arguments: {@code [device] [steps]}, default {@code gpu 20}.
 */
public final class DeviceCheck {

    private static final float AGREEMENT_TOLERANCE = 1e-3f;

    private DeviceCheck() {}

    /**
     * Runs the check.
     *
     * @param args optional device and step count
     */
    public static void main(String[] args) {
        DeviceChoice device = DeviceChoice.parse(args.length > 0 ? args[0] : "gpu");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf(
                Locale.ROOT,
                "engine %s %s, GPUs seen: %d%n",
                Djl.engine().getEngineName(),
                Djl.engine().getVersion(),
                Djl.engine().getGpuCount());
        ModelSpec spec = ModelSpec.of(784);
        Random random = new Random(5);
        float[][] samples = RandomMatrices.uniform(random, 64, 784);
        try (VicregTrainer trainer = VicregTrainer.create(TrainerConfig.defaults(spec), device)) {
            System.out.println("trainer device: " + trainer.device());
            StepResult result = null;
            for (int i = 0; i < steps; i++) {
                result =
                        trainer.step(
                                RandomMatrices.uniform(random, 256, 784),
                                RandomMatrices.uniform(random, 256, 784));
                if (i % 5 == 0 || i == steps - 1) {
                    System.out.printf(
                            Locale.ROOT,
                            "step %d loss %.4f (inv %.4f var %.4f cov %.4f) std min %.3f applied %s%n",
                            result.step(),
                            result.loss().total(),
                            result.loss().invariance(),
                            result.loss().variance(),
                            result.loss().covariance(),
                            result.projectionStdMin(),
                            result.applied());
                }
            }
            float[][] onDevice = trainer.embed(samples);
            try (VicregTrainer onCpu =
                    VicregTrainer.restore(trainer.checkpoint(), spec, DeviceChoice.CPU)) {
                float[][] cpu = onCpu.embed(samples);
                float maxDiff = 0;
                for (int i = 0; i < cpu.length; i++) {
                    for (int j = 0; j < cpu[i].length; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(cpu[i][j] - onDevice[i][j]));
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "checkpoint moved %s -> cpu at step %d: max |embedding difference| = %.3g%n",
                        trainer.device(),
                        onCpu.step(),
                        maxDiff);
                if (!(maxDiff <= AGREEMENT_TOLERANCE)) {
                    System.out.println("FAIL: the device and the CPU disagree");
                    System.exit(1);
                }
            }
        }
        System.out.println("OK");
    }
}
