package io.github.vicregstreams.data;

import java.util.random.RandomGenerator;

/**
 * Adds independent Gaussian noise of standard deviation {@code sigma} to every value; for images
 * and plain feature vectors alike.
 *
 * @param sigma the standard deviation, 0 or more
 */
public record GaussianNoise(double sigma) implements Augmentation {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code sigma} is negative or not finite
     */
    public GaussianNoise {
        Checks.requireNonNegative("sigma", sigma);
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] + sigma * rng.nextGaussian());
        }
        return out;
    }
}
