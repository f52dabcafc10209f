package io.github.vicregstreams.data;

/**
 * The layout of a single-channel image stored row-major in a flat feature vector: pixel {@code (r,
 * c)} is at index {@code r * width + c}.
 *
 * @param height the number of rows, at least 1
 * @param width the number of columns, at least 1
 */
public record ImageShape(int height, int width) {

    /**
     * Validates the shape.
     *
     * @throws IllegalArgumentException if a side is below 1
     */
    public ImageShape {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "An image needs a height and a width of at least 1. Got: "
                            + height
                            + "x"
                            + width);
        }
    }

    /**
     * The number of pixels, which is the length of the feature vector.
     *
     * @return {@code height * width}
     */
    public int pixels() {
        return height * width;
    }

    /**
     * Checks that {@code x} holds exactly one image of this shape.
     *
     * @param x a flat image
     * @throws IllegalArgumentException if the length differs from {@link #pixels()}
     */
    void requireImage(float[] x) {
        if (x.length != pixels()) {
            throw new IllegalArgumentException(
                    "Expected " + pixels() + " values for a " + this + " image. Got: " + x.length);
        }
    }

    @Override
    public String toString() {
        return height + "x" + width;
    }
}
