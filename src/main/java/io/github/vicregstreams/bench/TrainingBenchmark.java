package io.github.vicregstreams.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The bare training loop's speed: ms/step and pairs/s of {@link VicregTrainer#step} on in-memory
 * batches, against the machine's measured float32 matrix-multiply throughput, and RSS across many
 * steps after warm-up.
 *
 * <p>The peak and the steps are measured in alternating rounds, and each round's steps are set
 * against the peak measured just before them: on a shared machine the peak measured once moved
 * between 175 and 275 GFLOP/s from one run to the next, more than any change to the step.
 *
 * <p>The steps measured are those of a learner that has been running for a while. In its first few
 * hundred steps a fresh process grows its native heap (glibc's malloc raises its thresholds for
 * returning memory to the system only as it sees the step's allocations) and its Java heap to their
 * working sets: a single trainer at batch 256 had 500–1,500 minor page faults a step after 30
 * steps, at about 3 µs each on this kind of virtual machine, and 0–6 after 300. Hence the warm-up
 * of {@value #DEFAULT_WARMUP_STEPS} steps; the report gives the faults per measured step, so that a
 * run can show it measured the steady state.
 *
 * <p>Arguments (all optional): {@code --batches=64,256,1024 --input-dim=784 --rounds=7 --steps=20
 * --warmup=300 --rss-steps=5000 --rss-batch=256 --device=auto --out=FILE} ({@code --steps} per
 * round and batch size).
 */
public final class TrainingBenchmark {

    private static final int DISTINCT_BATCHES = 4;

    /** Steps before measuring; see the class comment. */
    static final int DEFAULT_WARMUP_STEPS = 300;

    private TrainingBenchmark() {}

    /**
     * Runs the benchmark and prints a table; writes JSON when {@code --out} is given.
     *
     * @param args see the class comment
     * @throws IOException if the results file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = BenchArgs.parse(args);
        int[] batches = BenchArgs.ints(options.getOrDefault("batches", "64,256,1024"));
        int inputDim = Integer.parseInt(options.getOrDefault("input-dim", "784"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "20"));
        int warmup =
                Integer.parseInt(
                        options.getOrDefault("warmup", String.valueOf(DEFAULT_WARMUP_STEPS)));
        int rssSteps = Integer.parseInt(options.getOrDefault("rss-steps", "5000"));
        int rssBatch = Integer.parseInt(options.getOrDefault("rss-batch", "256"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "7"));
        DeviceChoice device = DeviceChoice.parse(options.getOrDefault("device", "auto"));
        ModelSpec spec = ModelSpec.of(inputDim);

        Map<String, Object> report = BenchReport.start("training-step");
        report.put("spec", spec.toString());

        Device resolved = device.resolve();
        report.put("device", resolved.toString());
        report.put("rounds", rounds);
        report.put("stepsPerRound", steps);
        System.out.printf(
                Locale.ROOT,
                "%d rounds on %s (%s torch threads), each: the float32 matmul peak, then %d steps of every"
                        + " batch size%n",
                rounds,
                resolved,
                MachineInfo.describe().get("torchThreads"),
                steps);
        double[] peaks = new double[rounds];
        double[][] millis = new double[batches.length][rounds];
        long[] faults = new long[batches.length];
        boolean countsFaults = MachineInfo.minorPageFaults() >= 0;
        List<VicregTrainer> trainers = new ArrayList<>();
        try (NDManager peakManager = Djl.engine().newBaseManager(resolved)) {
            List<float[][][][]> data = new ArrayList<>();
            for (int batch : batches) {
                VicregTrainer trainer = VicregTrainer.create(TrainerConfig.defaults(spec), device);
                trainers.add(trainer);
                data.add(batches(batch, spec.encoderDim()));
                for (int i = 0; i < warmup; i++) {
                    step(trainer, data.get(data.size() - 1), i);
                }
            }
            for (int round = 0; round < rounds; round++) {
                peaks[round] = measureMatmulPeak(peakManager);
                for (int b = 0; b < batches.length; b++) {
                    long faultsBefore = MachineInfo.minorPageFaults();
                    millis[b][round] = stepMillis(trainers.get(b), data.get(b), steps);
                    faults[b] += MachineInfo.minorPageFaults() - faultsBefore;
                }
            }
        } finally {
            trainers.forEach(VicregTrainer::close);
        }
        report.put("matmulPeakGflops", summary(peaks));
        System.out.printf(
                Locale.ROOT,
                "float32 matmul peak: median %.1f GFLOP/s, range %.1f-%.1f%n",
                Stats.median(peaks),
                Arrays.stream(peaks).min().orElseThrow(),
                Arrays.stream(peaks).max().orElseThrow());
        System.out.printf(
                Locale.ROOT,
                "%-6s %10s %10s %12s %10s %8s %14s %12s%n",
                "batch",
                "ms/step",
                "pairs/s",
                "GFLOP/step",
                "GFLOP/s",
                "of peak",
                "range of peak",
                "faults/step");

        List<Map<String, Object>> rows = new ArrayList<>();
        for (int b = 0; b < batches.length; b++) {
            int batch = batches[b];
            double gflop = flopsPerStep(spec, batch) / 1e9;
            // Each round's steps against the peak measured just before them: both see the same
            // load.
            double[] fractions = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                fractions[round] = gflop / (millis[b][round] / 1e3) / peaks[round];
            }
            double medianMillis = Stats.median(millis[b]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("batch", batch);
            row.put("medianMsPerStep", Stats.thousandths(medianMillis));
            row.put("msPerStepByRound", Stats.thousandths(millis[b]));
            row.put("pairsPerSecond", Stats.thousandths(batch / (medianMillis / 1e3)));
            row.put("gflopPerStep", Stats.thousandths(gflop));
            row.put("gflops", Stats.thousandths(gflop / (medianMillis / 1e3)));
            row.put("fractionOfMatmulPeak", summary(fractions));
            // Negative where the system does not count page faults.
            double faultsPerStep = countsFaults ? faults[b] / (double) (rounds * steps) : -1;
            row.put("minorPageFaultsPerStep", Stats.thousandths(faultsPerStep));
            rows.add(row);
            System.out.printf(
                    Locale.ROOT,
                    "%-6d %10.2f %10.0f %12.3f %10.1f %7.0f%% %6.0f%%-%.0f%% %12.1f%n",
                    batch,
                    medianMillis,
                    batch / (medianMillis / 1e3),
                    gflop,
                    gflop / (medianMillis / 1e3),
                    100 * Stats.median(fractions),
                    100 * Arrays.stream(fractions).min().orElseThrow(),
                    100 * Arrays.stream(fractions).max().orElseThrow(),
                    faultsPerStep);
        }
        report.put("steps", rows);
        if (rssSteps > 0) {
            report.put("rss", measureRss(spec, device, rssBatch, rssSteps, inputDim));
        }

        String out = options.get("out");
        if (out != null) {
            BenchReport.write(Path.of(out), report);
        }
    }

    /**
     * Median milliseconds per {@link VicregTrainer#step} at a batch size, on in-memory batches.
     *
     * @param spec the model
     * @param device where to train
     * @param batch pairs per step
     * @param warmup steps before measuring
     * @param steps steps measured
     * @return the median ms/step
     */
    public static double medianStepMillis(
            ModelSpec spec, DeviceChoice device, int batch, int warmup, int steps) {
        try (VicregTrainer trainer = VicregTrainer.create(TrainerConfig.defaults(spec), device)) {
            float[][][][] data = batches(batch, spec.encoderDim());
            for (int i = 0; i < warmup; i++) {
                step(trainer, data, i);
            }
            return stepMillis(trainer, data, steps);
        }
    }

    /** The median milliseconds of {@code steps} more steps of a warmed-up trainer. */
    private static double stepMillis(VicregTrainer trainer, float[][][][] data, int steps) {
        double[] millis = new double[steps];
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            step(trainer, data, i);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return Stats.median(millis);
    }

    private static Map<String, Object> summary(double[] values) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("median", Stats.thousandths(Stats.median(values)));
        summary.put("min", Stats.thousandths(Arrays.stream(values).min().orElseThrow()));
        summary.put("max", Stats.thousandths(Arrays.stream(values).max().orElseThrow()));
        summary.put("byRound", Stats.thousandths(values));
        return summary;
    }

    /**
     * FLOPs of one step: 2 views × 3 (forward + backward) × 2 × multiply-adds of the linear layers
     * × batch. LayerNorm, activations, loss and optimizer are left out.
     */
    static double flopsPerStep(ModelSpec spec, int batch) {
        double in = spec.encoderDim();
        double h = spec.hiddenSize();
        double p = spec.projectionDim();
        double multiplyAdds = in * h + 3 * h * h + h * p;
        return 2.0 * 3 * 2 * multiplyAdds * batch;
    }

    static Map<String, Object> measureRss(
            ModelSpec spec, DeviceChoice device, int batch, int steps, int inputDim) {
        try (VicregTrainer trainer = VicregTrainer.create(TrainerConfig.defaults(spec), device)) {
            float[][][][] data = batches(batch, inputDim);
            int warmup = Math.max(50, steps / 20);
            for (int i = 0; i < warmup; i++) {
                step(trainer, data, i);
            }
            System.gc();
            long base = MachineInfo.residentSetBytes();
            long peak = base;
            List<Long> samples = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(trainer, data, i);
                if ((i + 1) % Math.max(1, steps / 10) == 0) {
                    long rss = MachineInfo.residentSetBytes();
                    samples.add(rss / (1024 * 1024));
                    peak = Math.max(peak, rss);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long end = MachineInfo.residentSetBytes();
            Map<String, Object> rss = new LinkedHashMap<>();
            rss.put("batch", batch);
            rss.put("stepsAfterWarmup", steps);
            rss.put("warmupSteps", warmup);
            rss.put("baseMiB", base / (1024 * 1024));
            rss.put("endMiB", end / (1024 * 1024));
            rss.put("peakMiB", peak / (1024 * 1024));
            rss.put("growthFraction", Stats.thousandths((end - base) / (double) base));
            rss.put("samplesMiB", samples);
            rss.put("seconds", Stats.thousandths(seconds));
            System.out.printf(
                    Locale.ROOT,
                    "RSS over %d steps at batch %d after %d warm-up steps: %d MiB -> %d MiB (%+.2f%%),"
                            + " peak %d MiB, %.0f s%n",
                    steps,
                    batch,
                    warmup,
                    base / (1024 * 1024),
                    end / (1024 * 1024),
                    100.0 * (end - base) / base,
                    peak / (1024 * 1024),
                    seconds);
            return rss;
        }
    }

    /** The best median GFLOP/s of square float32 products of a few sizes. */
    private static double measureMatmulPeak(NDManager manager) {
        double best = 0;
        for (int size : new int[] {512, 1024, 2048}) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray a = scope.randomUniform(-1f, 1f, new Shape(size, size));
                NDArray b = scope.randomUniform(-1f, 1f, new Shape(size, size));
                int repeats = size >= 2048 ? 6 : 20;
                double[] gflops = new double[repeats];
                for (int i = -3; i < repeats; i++) {
                    long start = System.nanoTime();
                    try (NDArray c = a.matMul(b)) {
                        c.getFloat(0, 0); // forces completion on asynchronous devices
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (i >= 0) {
                        gflops[i] = 2.0 * size * size * size / seconds / 1e9;
                    }
                }
                best = Math.max(best, Stats.median(gflops));
            }
        }
        return best;
    }

    static void step(VicregTrainer trainer, float[][][][] data, int i) {
        float[][][] pair = data[i % data.length];
        trainer.step(pair[0], pair[1]);
    }

    static float[][][][] batches(int batch, int inputDim) {
        Random random = new Random(1);
        float[][][][] data = new float[DISTINCT_BATCHES][2][][];
        for (float[][][] pair : data) {
            for (int view = 0; view < pair.length; view++) {
                pair[view] = RandomMatrices.uniform(random, batch, inputDim);
            }
        }
        return data;
    }
}
