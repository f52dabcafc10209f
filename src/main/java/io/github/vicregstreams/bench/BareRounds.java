package io.github.vicregstreams.bench;

import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;

/**
 * The bare loop again between the topology's rounds, so that each round's ratio compares rates
 * measured seconds apart: this machine's speed drifts by a third within an hour, and {@link
 * BareLoop} runs once, minutes before the first round. A round's rate is pairs over the elapsed
 * time of its steps, a mean as the topology's rate is (the {@link BareLoop} figure is a median
 * step, which leaves out the slow ones).
 */
final class BareRounds implements AutoCloseable {

    /** A round steps at least this long, so that a cheap model's round is not a few ms of noise. */
    private static final long MIN_ROUND_NANOS = 1_000_000_000L;

    /** And at least this many steps. */
    private static final int MIN_STEPS = 10;

    private final VicregTrainer trainer;

    private final float[][][][] data;

    private final int batch;

    private int steps;

    private BareRounds(VicregTrainer trainer, float[][][][] data, int batch) {
        this.trainer = trainer;
        this.data = data;
        this.batch = batch;
    }

    /** A warmed-up trainer of {@code spec} on the CPU, as {@link BareLoop} measures it. */
    static BareRounds open(ModelSpec spec, int batch) {
        VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(spec), DeviceChoice.CPU);
        try {
            BareRounds rounds =
                    new BareRounds(
                            trainer, TrainingBenchmark.batches(batch, spec.encoderDim()), batch);
            for (int i = 0; i < TrainingBenchmark.DEFAULT_WARMUP_STEPS; i++) {
                rounds.step();
            }
            return rounds;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    /** One round: pairs per second over at least {@value #MIN_STEPS} steps and a second. */
    double pairsPerSecond() {
        long start = System.nanoTime();
        long elapsed;
        int done = 0;
        do {
            step();
            done++;
            elapsed = System.nanoTime() - start;
        } while (done < MIN_STEPS || elapsed < MIN_ROUND_NANOS);
        return (double) done * batch / (elapsed / 1e9);
    }

    private void step() {
        TrainingBenchmark.step(trainer, data, steps++);
    }

    @Override
    public void close() {
        trainer.close();
    }
}
