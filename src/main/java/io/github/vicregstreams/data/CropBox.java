package io.github.vicregstreams.data;

import java.util.random.RandomGenerator;

/**
 * A rectangle inside an image, drawn at random with a given share of the image's area and a given
 * aspect ratio, as random erasing and random-resized cropping need.
 */
record CropBox(int top, int left, int height, int width) {

    /** How often to draw before giving up, as in torchvision: some draws do not fit the image. */
    private static final int ATTEMPTS = 10;

    /**
     * Draws a box whose area is a uniform share in {@code [minArea, maxArea]} of the image, with an
     * aspect ratio (width / height) log-uniform in {@code [minRatio, maxRatio]}.
     *
     * @return a box that fits the image, or null when no draw fitted
     */
    static CropBox draw(
            ImageShape shape,
            double minArea,
            double maxArea,
            double minRatio,
            double maxRatio,
            RandomGenerator rng) {
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double area = shape.pixels() * (minArea + (maxArea - minArea) * rng.nextDouble());
            double ratio = Math.exp(logMin + (logMax - logMin) * rng.nextDouble());
            int width = (int) Math.round(Math.sqrt(area * ratio));
            int height = (int) Math.round(Math.sqrt(area / ratio));
            if (width >= 1 && height >= 1 && width <= shape.width() && height <= shape.height()) {
                int top = rng.nextInt(shape.height() - height + 1);
                int left = rng.nextInt(shape.width() - width + 1);
                return new CropBox(top, left, height, width);
            }
        }
        return null;
    }
}
