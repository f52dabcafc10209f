package io.github.vicregstreams.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Translates an image by a random whole number of pixels, independently in each direction, up to
 * {@code maxShift}; pixels shifted in from outside are 0.
 *
 * <p>Small shifts work best on 28x28 images: in our Fashion-MNIST runs a shift of up to 1 pixel
 * gave better linear-probe accuracy than up to 3, which moves too much of a small object out of
 * place.
 *
 * @param shape the image shape
 * @param maxShift the largest shift in pixels, 0 or more; 0 leaves the image unchanged
 */
public record RandomShift(ImageShape shape, int maxShift) implements Augmentation {

    /** The default largest shift: 1 pixel. */
    public static final int DEFAULT_MAX_SHIFT = 1;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code maxShift} is negative
     */
    public RandomShift {
        Objects.requireNonNull(shape, "shape must not be null");
        if (maxShift < 0) {
            throw new IllegalArgumentException("maxShift must be at least 0. Got: " + maxShift);
        }
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        shape.requireImage(x);
        int dy = rng.nextInt(-maxShift, maxShift + 1);
        int dx = rng.nextInt(-maxShift, maxShift + 1);
        return shift(x, dy, dx);
    }

    /** Moves every pixel {@code dy} rows down and {@code dx} columns right. */
    float[] shift(float[] x, int dy, int dx) {
        int height = shape.height();
        int width = shape.width();
        float[] out = new float[x.length];
        for (int r = Math.max(0, dy); r < Math.min(height, height + dy); r++) {
            int sourceRow = (r - dy) * width;
            int targetRow = r * width;
            for (int c = Math.max(0, dx); c < Math.min(width, width + dx); c++) {
                out[targetRow + c] = x[sourceRow + c - dx];
            }
        }
        return out;
    }
}
