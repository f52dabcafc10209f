package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.data.ViewPair;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The bare training loop the streamed learner is measured against: the pairs {@code produce} and
 * {@code demo} would stream (same generator, same indices, same passes), fed straight to a {@link
 * VicregTrainer} in dataset order, in batches of the learner's size. Like the learner, it never
 * trains a batch of fewer than 2 pairs, so a final single pair is left out.
 */
final class InMemoryTraining {

    private InMemoryTraining() {}

    /** What the loop did; {@code checkpoint} is the trainer's final state. */
    record Result(byte[] checkpoint, long steps, long pairs, long skippedSteps) {}

    static Result train(
            TrainerConfig config,
            DeviceChoice device,
            Dataset data,
            ViewGenerator generator,
            int passes,
            int batchSize,
            LongConsumer progress) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batchSize must be at least 2. Got: " + batchSize);
        }
        float[][] first = new float[batchSize][];
        float[][] second = new float[batchSize][];
        long pairs = 0;
        long skipped = 0;
        try (VicregTrainer trainer = VicregTrainer.create(config, device)) {
            int filled = 0;
            long rows = data.rows();
            for (int pass = 0; pass < passes; pass++) {
                for (int index = 0; index < rows; index++) {
                    ViewPair pair = generator.views(data.features(index), pass * rows + index);
                    first[filled] = pair.first();
                    second[filled] = pair.second();
                    filled++;
                    boolean last = pass == passes - 1 && index == rows - 1;
                    if (filled == batchSize || (last && filled >= 2)) {
                        float[][] a = filled == batchSize ? first : Arrays.copyOf(first, filled);
                        float[][] b = filled == batchSize ? second : Arrays.copyOf(second, filled);
                        if (!trainer.step(a, b).applied()) {
                            skipped++;
                        }
                        pairs += filled;
                        filled = 0;
                        progress.accept(pairs);
                    }
                }
            }
            return new Result(trainer.checkpoint(), trainer.step(), pairs, skipped);
        }
    }
}
