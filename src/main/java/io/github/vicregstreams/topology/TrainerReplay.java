package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay ({@code train.replay.*}): after each incoming batch, its pairs go into the {@link
 * ReplayBuffer} and the trainer takes {@code train.replay.updates} more steps on batches drawn from
 * it. Every random choice comes from a generator seeded from the model's seed and the trainer's
 * step, so the journal's batches trained again after a restart, from the buffer restored with the
 * checkpoint ({@link ReplayBufferStore}), add and draw exactly what the first run did, and reach
 * the same weights bit for bit. Replay steps publish nothing: no embedding (a pair's embedding is
 * published once, from its incoming step) and no metrics event.
 *
 * <p>With replay off it does nothing, and training is exactly what it was without it.
 */
final class TrainerReplay {

    private static final Logger log = LoggerFactory.getLogger(TrainerReplay.class);

    /** Separates the generators of one step's addition and draws. */
    private static final long ADD = 0x41444431L;

    private static final long DRAW = 0x44524157L;

    private final ReplaySettings settings;
    private final ReplayBufferStore store;
    private final ReplayBuffer buffer;
    private final long seed;
    private final LongSupplier trainerStep;
    private final Function<List<TrainingPair>, StepResult> step;
    private final TrainerMetrics metrics;

    /**
     * Restores the buffer saved with the checkpoint of the trainer's step (or deletes a stored one
     * when replay is off).
     *
     * @param settings the replay settings
     * @param store the buffer's place in the trainer-state store
     * @param seed the model's seed
     * @param trainerStep the trainer's step counter
     * @param step trains one batch: {@code TrainingProcessor.step}, for replayed batches too
     * @param metrics where buffer size, replay steps and updates per pair are recorded
     */
    TrainerReplay(
            ReplaySettings settings,
            ReplayBufferStore store,
            long seed,
            LongSupplier trainerStep,
            Function<List<TrainingPair>, StepResult> step,
            TrainerMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.seed = seed;
        this.trainerStep = trainerStep;
        this.step = step;
        this.metrics = metrics;
        this.buffer = store.load(settings, trainerStep.getAsLong());
        if (buffer != null) {
            metrics.recordReplay(buffer.size(), 0, 0, 0);
        }
    }

    /**
     * After an incoming batch was trained: keeps its pairs (those with finite representations),
     * then takes the replay steps.
     *
     * @param pairs the incoming batch
     * @param result its step
     */
    void afterBatch(List<TrainingPair> pairs, StepResult result) {
        if (buffer == null) {
            return;
        }
        List<TrainingPair> kept = new ArrayList<>(pairs.size());
        List<float[]> reps = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            float[] rep = result.representations1()[i];
            // A pair that overflowed the network would be replayed into skipped steps again.
            if (Finite.all(rep)) {
                kept.add(pairs.get(i));
                reps.add(rep);
            }
        }
        buffer.add(kept, reps.toArray(new float[0][]), generator(ADD, 0));
        int replaySteps = 0;
        int replayedPairs = 0;
        for (int u = 0; u < settings.updates() && buffer.size() >= 2; u++) {
            ReplayBuffer.Draw draw = buffer.draw(settings.batchSize(), generator(DRAW, u));
            StepResult replayed = step.apply(draw.pairs());
            buffer.refresh(draw.slots(), replayed.representations1());
            if (!replayed.applied()) {
                log.warn(
                        "Replay step skipped: step=[{}] reason=[{}] batch=[{}]",
                        replayed.step(),
                        replayed.skipReason(),
                        replayed.batchSize());
            }
            replaySteps++;
            replayedPairs += draw.pairs().size();
        }
        metrics.recordReplay(buffer.size(), replaySteps, pairs.size(), replayedPairs);
    }

    /**
     * Saves the buffer with the checkpoint of {@code checkpointStep}, in its transaction.
     *
     * @return the bytes written to the store, 0 with replay off
     */
    long save(long checkpointStep) {
        if (buffer == null) {
            return 0;
        }
        int changed = buffer.changed().cardinality();
        int refreshed = buffer.refreshed().cardinality();
        long bytes = store.save(buffer, checkpointStep);
        log.info(
                "Saved the replay buffer with the checkpoint: step=[{}] pairs=[{}] new pairs=[{}]"
                        + " refreshed representations=[{}] bytes=[{}]",
                checkpointStep,
                buffer.size(),
                changed,
                refreshed,
                bytes);
        return bytes;
    }

    /** The buffer's size, 0 with replay off. */
    int size() {
        return buffer == null ? 0 : buffer.size();
    }

    /**
     * The generator of one choice at this step: SplitMix64 of the seed, the step, the kind and its
     * index (a skipped replay step leaves the step as it was: the next draw must differ).
     */
    private Random generator(long kind, int index) {
        long z =
                seed
                        ^ (trainerStep.getAsLong() * 0x9E3779B97F4A7C15L)
                        ^ ((kind + index) * 0xD1B54A32D192ED03L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }
}
