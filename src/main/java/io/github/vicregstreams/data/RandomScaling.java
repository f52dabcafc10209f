package io.github.vicregstreams.data;

import java.util.random.RandomGenerator;

/**
 * Multiplies the whole vector by one factor drawn uniformly from {@code [min, max]}: the view keeps
 * its direction and changes its magnitude, like a change of brightness or of units.
 *
 * @param min the smallest factor, 0 or more
 * @param max the largest factor, at least {@code min}
 */
public record RandomScaling(double min, double max) implements Augmentation {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the range is empty, negative or not finite
     */
    public RandomScaling {
        Checks.requireNonNegative("min", min);
        Checks.requireNonNegative("max", max);
        if (max < min) {
            throw new IllegalArgumentException(
                    "max must be at least min (" + min + "). Got: " + max);
        }
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        double factor = min + (max - min) * rng.nextDouble();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * factor);
        }
        return out;
    }
}
