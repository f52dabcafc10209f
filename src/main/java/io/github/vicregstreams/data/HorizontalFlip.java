package io.github.vicregstreams.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Mirrors an image left to right with a given probability.
 *
 * @param shape the image shape
 * @param probability the chance of a flip, 0 to 1
 */
public record HorizontalFlip(ImageShape shape, double probability) implements Augmentation {

    /** The default chance of a flip. */
    public static final double DEFAULT_PROBABILITY = 0.5;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the probability is not in [0, 1]
     */
    public HorizontalFlip {
        Objects.requireNonNull(shape, "shape must not be null");
        Checks.requireProbability("probability", probability);
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        shape.requireImage(x);
        // Draw even when the probability is 0 or 1, so the draws of later steps do not depend on
        // it.
        boolean flip = rng.nextDouble() < probability;
        if (!flip) {
            return x.clone();
        }
        int width = shape.width();
        float[] out = new float[x.length];
        for (int rowStart = 0; rowStart < x.length; rowStart += width) {
            for (int c = 0; c < width; c++) {
                out[rowStart + c] = x[rowStart + width - 1 - c];
            }
        }
        return out;
    }
}
