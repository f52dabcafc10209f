package io.github.vicregstreams.data;

import java.util.random.RandomGenerator;

/**
 * Sets each value to 0 independently with probability {@code fraction}, like dropout on the input:
 * a view must then be recognised from the features that remain.
 *
 * @param fraction the expected share of values dropped, 0 to 1
 */
public record RandomMasking(double fraction) implements Augmentation {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the fraction is not in [0, 1]
     */
    public RandomMasking {
        Checks.requireProbability("fraction", fraction);
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = rng.nextDouble() < fraction ? 0f : x[i];
        }
        return out;
    }
}
