package io.github.vicregstreams.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * With probability {@code probability}, sets a random rectangle of the image to 0 (Zhong et al.,
 * 2017): the views must then agree although part of the object is hidden.
 *
 * <p>The rectangle covers a share of the image drawn uniformly from {@code [minArea, maxArea]},
 * with an aspect ratio log-uniform in [{@value #MIN_ASPECT_RATIO}, {@value #MAX_ASPECT_RATIO}].
 *
 * @param shape the image shape
 * @param probability the chance of erasing, 0 to 1
 * @param minArea the smallest share of the image erased, greater than 0
 * @param maxArea the largest share, from {@code minArea} to 1
 */
public record RandomErasing(ImageShape shape, double probability, double minArea, double maxArea)
        implements Augmentation {

    /** The default chance of erasing. */
    public static final double DEFAULT_PROBABILITY = 0.25;

    /** The default smallest erased share of the image. */
    public static final double DEFAULT_MIN_AREA = 0.02;

    /** The default largest erased share of the image. */
    public static final double DEFAULT_MAX_AREA = 0.2;

    /** The narrowest rectangle (width / height), as in torchvision. */
    public static final double MIN_ASPECT_RATIO = 0.3;

    /** The widest rectangle (width / height), as in torchvision. */
    public static final double MAX_ASPECT_RATIO = 3.3;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a setting is out of range
     */
    public RandomErasing {
        Objects.requireNonNull(shape, "shape must not be null");
        Checks.requireProbability("probability", probability);
        Checks.requireFraction("minArea", minArea);
        Checks.requireFraction("maxArea", maxArea);
        if (maxArea < minArea) {
            throw new IllegalArgumentException(
                    "maxArea must be at least minArea (" + minArea + "). Got: " + maxArea);
        }
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        shape.requireImage(x);
        float[] out = x.clone();
        if (rng.nextDouble() >= probability) {
            return out;
        }
        CropBox box =
                CropBox.draw(shape, minArea, maxArea, MIN_ASPECT_RATIO, MAX_ASPECT_RATIO, rng);
        if (box == null) {
            return out; // No rectangle of the drawn size fitted: leave the image whole.
        }
        for (int r = box.top(); r < box.top() + box.height(); r++) {
            int rowStart = r * shape.width();
            for (int c = box.left(); c < box.left() + box.width(); c++) {
                out[rowStart + c] = 0f;
            }
        }
        return out;
    }
}
