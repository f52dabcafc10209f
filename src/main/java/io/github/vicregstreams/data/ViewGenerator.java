package io.github.vicregstreams.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes the two augmented views of a sample, reproducibly: the views depend only on the sample, the
 * augmentations, the base seed and the sample's index.
 *
 * <p>So a producer that crashes and replays sample 17 sends the same views again, and two producers
 * with different seeds send different ones. Each view gets its own random stream, split from a
 * generator seeded by mixing the base seed with the index.
 *
 * <p>Thread-safe: it holds no mutable state.
 */
public final class ViewGenerator {

    /** The golden-ratio increment of SplitMix64, which spreads consecutive indices apart. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final Augmentation first;
    private final Augmentation second;
    private final long seed;

    /**
     * Creates a generator with a different augmentation per view, as VICReg's asymmetric image
     * recipe uses.
     *
     * @param first the augmentation of view 0
     * @param second the augmentation of view 1
     * @param seed the base seed
     */
    public ViewGenerator(Augmentation first, Augmentation second, long seed) {
        this.first = Objects.requireNonNull(first, "first must not be null");
        this.second = Objects.requireNonNull(second, "second must not be null");
        this.seed = seed;
    }

    /**
     * Creates a generator that applies the same augmentation to both views (with different draws).
     *
     * @param augmentation the augmentation of both views
     * @param seed the base seed
     * @return the generator
     */
    public static ViewGenerator symmetric(Augmentation augmentation, long seed) {
        return new ViewGenerator(augmentation, augmentation, seed);
    }

    /**
     * Makes the two views of one sample.
     *
     * @param sample the sample's features; not modified
     * @param index the sample's index in its stream, which selects the random draws
     * @return the two views
     * @throws IllegalArgumentException if an augmentation does not fit the sample
     */
    public ViewPair views(float[] sample, long index) {
        Objects.requireNonNull(sample, "sample must not be null");
        SplittableRandom root = new SplittableRandom(mix64(seed ^ mix64(index + GOLDEN_GAMMA)));
        float[] view0 = first.apply(sample, root.split());
        float[] view1 = second.apply(sample, root.split());
        return new ViewPair(view0, view1);
    }

    /**
     * The base seed.
     *
     * @return the seed given at construction
     */
    public long seed() {
        return seed;
    }

    /** The SplitMix64 finaliser: nearby inputs give unrelated outputs. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
