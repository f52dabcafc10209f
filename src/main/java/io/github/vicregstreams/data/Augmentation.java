package io.github.vicregstreams.data;

import java.util.random.RandomGenerator;

/**
 * A random transformation of one sample, used to make the two views VICReg learns from.
 *
 * <p>Implementations never modify {@code x}: they return a new array, of the same length for every
 * augmentation in this package. All randomness comes from {@code rng}, so the same generator state
 * gives the same result; {@link ViewGenerator} seeds it per sample.
 */
@FunctionalInterface
public interface Augmentation {

    /**
     * Transforms one sample.
     *
     * @param x the sample's features; not modified
     * @param rng the source of randomness
     * @return a new array
     * @throws IllegalArgumentException if {@code x} does not fit the augmentation, e.g. an image
     *     augmentation given a vector of another length
     */
    float[] apply(float[] x, RandomGenerator rng);

    /**
     * This augmentation, then {@code next}.
     *
     * @param next the augmentation applied to this one's output
     * @return the composition
     */
    default Augmentation andThen(Augmentation next) {
        return Augmentations.compose(this, next);
    }
}
