package io.github.vicregstreams.topology;

import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.data.ViewPair;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two views a training step takes of each pair of its batch: a pair's own two views, or, for a
 * raw sample ({@link TrainingPair#isSample()}), two views drawn from it with {@code
 * train.augmentation}.
 *
 * <p>A sample's draws depend only on the seed, the sample's id and the step: a restart that trains
 * the journal's batches again draws the same views and reaches the same weights, and a sample
 * trained at several steps (replayed) gets new views at each.
 */
final class TrainerViews {

    /** FNV-1a's 64-bit offset basis and prime: a stable hash of an id's bytes. */
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private static final long FNV_PRIME = 0x100000001b3L;

    /** The golden-ratio increment of SplitMix64: consecutive steps land far apart. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final ViewGenerator generator;

    /**
     * @param source the augmentation and seed of raw samples
     */
    TrainerViews(TrainingSource source) {
        this.generator = ViewGenerator.symmetric(source.augmentation(), source.seed());
    }

    /**
     * The views of a batch: {@code [0]} the first view of each pair, {@code [1]} the second.
     *
     * @param batch the batch's pairs
     * @param step the step that trains on them (the trainer's step count before it)
     * @return the two arrays of views, one row per pair
     */
    float[][][] of(List<TrainingPair> batch, long step) {
        float[][] view0 = new float[batch.size()][];
        float[][] view1 = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            TrainingPair pair = batch.get(i);
            if (pair.isSample()) {
                ViewPair views = generator.views(pair.view0(), drawIndex(pair.id(), step));
                view0[i] = views.first();
                view1[i] = views.second();
            } else {
                view0[i] = pair.view0();
                view1[i] = pair.view1();
            }
        }
        return new float[][][] {view0, view1};
    }

    /** Selects a sample's draws at a step: the id's hash, moved along by the step. */
    static long drawIndex(String id, long step) {
        long hash = FNV_OFFSET;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return hash + step * GOLDEN_GAMMA;
    }
}
