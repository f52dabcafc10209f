package io.github.vicregstreams.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Crops a random rectangle of the image and resizes it back to the full shape with bilinear
 * interpolation: the main augmentation of VICReg on ImageNet, here optional.
 *
 * <p>The crop covers a share of the image drawn uniformly from {@code [minScale, maxScale]}, with
 * an aspect ratio log-uniform in [3/4, 4/3]. When no such rectangle fits after a few draws, the
 * whole image is kept.
 *
 * @param shape the image shape
 * @param minScale the smallest share of the image kept, greater than 0
 * @param maxScale the largest share, from {@code minScale} to 1
 */
public record RandomResizedCrop(ImageShape shape, double minScale, double maxScale)
        implements Augmentation {

    /**
     * The default smallest share. ImageNet recipes use 0.08; a 28x28 image has too few pixels for
     * that.
     */
    public static final double DEFAULT_MIN_SCALE = 0.5;

    /** The default largest share: the whole image. */
    public static final double DEFAULT_MAX_SCALE = 1.0;

    private static final double MIN_ASPECT_RATIO = 3.0 / 4.0;
    private static final double MAX_ASPECT_RATIO = 4.0 / 3.0;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a setting is out of range
     */
    public RandomResizedCrop {
        Objects.requireNonNull(shape, "shape must not be null");
        Checks.requireFraction("minScale", minScale);
        Checks.requireFraction("maxScale", maxScale);
        if (maxScale < minScale) {
            throw new IllegalArgumentException(
                    "maxScale must be at least minScale (" + minScale + "). Got: " + maxScale);
        }
    }

    @Override
    public float[] apply(float[] x, RandomGenerator rng) {
        shape.requireImage(x);
        CropBox box =
                CropBox.draw(shape, minScale, maxScale, MIN_ASPECT_RATIO, MAX_ASPECT_RATIO, rng);
        if (box == null) {
            box = new CropBox(0, 0, shape.height(), shape.width());
        }
        return resize(x, box);
    }

    /** Samples the box at the centres of the output pixels, bilinearly, clamped to the box. */
    float[] resize(float[] x, CropBox box) {
        int height = shape.height();
        int width = shape.width();
        float[] out = new float[x.length];
        double rowStep = (double) box.height() / height;
        double columnStep = (double) box.width() / width;
        for (int r = 0; r < height; r++) {
            double y =
                    clamp(
                            box.top() + (r + 0.5) * rowStep - 0.5,
                            box.top(),
                            box.top() + box.height() - 1);
            int y0 = (int) Math.floor(y);
            int y1 = Math.min(y0 + 1, box.top() + box.height() - 1);
            double wy = y - y0;
            for (int c = 0; c < width; c++) {
                double xc =
                        clamp(
                                box.left() + (c + 0.5) * columnStep - 0.5,
                                box.left(),
                                box.left() + box.width() - 1);
                int x0 = (int) Math.floor(xc);
                int x1 = Math.min(x0 + 1, box.left() + box.width() - 1);
                double wx = xc - x0;
                double top = x[y0 * width + x0] * (1 - wx) + x[y0 * width + x1] * wx;
                double bottom = x[y1 * width + x0] * (1 - wx) + x[y1 * width + x1] * wx;
                out[r * width + c] = (float) (top * (1 - wy) + bottom * wy);
            }
        }
        return out;
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }
}
