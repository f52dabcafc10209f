package io.github.vicregstreams.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Composition of augmentations, and the default pipelines for image and vector data. */
public final class Augmentations {

    /** The default noise for images, whose pixels are in [0, 1]. */
    public static final double DEFAULT_IMAGE_NOISE = 0.05;

    /** The default noise for plain feature vectors, relative to features of unit scale. */
    public static final double DEFAULT_VECTOR_NOISE = 0.1;

    /** The default share of features dropped from a plain feature vector. */
    public static final double DEFAULT_MASKING = 0.1;

    /** The default smallest scaling factor of a plain feature vector. */
    public static final double DEFAULT_MIN_SCALE = 0.9;

    /** The default largest scaling factor of a plain feature vector. */
    public static final double DEFAULT_MAX_SCALE = 1.1;

    private Augmentations() {}

    /**
     * Applies {@code steps} in order; each step draws from the same generator.
     *
     * @param steps the augmentations; none gives a copy of the input
     * @return the composition
     */
    public static Augmentation compose(Augmentation... steps) {
        Objects.requireNonNull(steps, "steps must not be null");
        for (int i = 0; i < steps.length; i++) {
            Objects.requireNonNull(steps[i], "step " + i + " must not be null");
        }
        return new Composed(List.of(steps));
    }

    /**
     * The augmentation that changes nothing (and still returns a copy).
     *
     * @return the identity
     */
    public static Augmentation identity() {
        return compose();
    }

    /**
     * The default pipeline for images: shift by up to {@value RandomShift#DEFAULT_MAX_SHIFT} pixel,
     * horizontal flip with probability {@value HorizontalFlip#DEFAULT_PROBABILITY}, random erasing
     * with probability {@value RandomErasing#DEFAULT_PROBABILITY}, then Gaussian noise of {@value
     * #DEFAULT_IMAGE_NOISE}.
     *
     * @param shape the image shape
     * @return the pipeline
     */
    public static Augmentation imageDefaults(ImageShape shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return compose(
                new RandomShift(shape, RandomShift.DEFAULT_MAX_SHIFT),
                new HorizontalFlip(shape, HorizontalFlip.DEFAULT_PROBABILITY),
                new RandomErasing(
                        shape,
                        RandomErasing.DEFAULT_PROBABILITY,
                        RandomErasing.DEFAULT_MIN_AREA,
                        RandomErasing.DEFAULT_MAX_AREA),
                new GaussianNoise(DEFAULT_IMAGE_NOISE));
    }

    /**
     * The default pipeline for plain feature vectors: scaling by a factor in [{@value
     * #DEFAULT_MIN_SCALE}, {@value #DEFAULT_MAX_SCALE}], masking of {@value #DEFAULT_MASKING}, then
     * Gaussian noise of {@value #DEFAULT_VECTOR_NOISE}.
     *
     * @return the pipeline
     */
    public static Augmentation vectorDefaults() {
        return compose(
                new RandomScaling(DEFAULT_MIN_SCALE, DEFAULT_MAX_SCALE),
                new RandomMasking(DEFAULT_MASKING),
                new GaussianNoise(DEFAULT_VECTOR_NOISE));
    }

    /**
     * The default pipeline for a dataset: {@link #imageDefaults} for image data, else {@link
     * #vectorDefaults}.
     *
     * @param dataset the dataset
     * @return the pipeline
     */
    public static Augmentation defaultsFor(Dataset dataset) {
        Objects.requireNonNull(dataset, "dataset must not be null");
        return dataset.imageShape()
                .map(Augmentations::imageDefaults)
                .orElseGet(Augmentations::vectorDefaults);
    }

    /** The syntax of {@link #parse}, for messages and help texts. */
    public static final String SPEC_SYNTAX =
            "'default', 'none', or steps separated by commas: shift:PIXELS, flip:P, erase:P,"
                    + " crop:MIN_SCALE, noise:SIGMA, mask:FRACTION, scale:MIN-MAX"
                    + " (e.g. shift:1,noise:0.05)";

    /**
     * Parses a pipeline from a short text, for command lines: {@code default} ({@link
     * #defaultsFor}), {@code none}, or steps applied in the order given, separated by commas:
     * {@code shift:PIXELS}, {@code flip:P}, {@code erase:P} (area {@value
     * RandomErasing#DEFAULT_MIN_AREA} to {@value RandomErasing#DEFAULT_MAX_AREA}), {@code
     * crop:MIN_SCALE} (random resized crop, scale up to 1), {@code noise:SIGMA}, {@code
     * mask:FRACTION}, {@code scale:MIN-MAX}.
     *
     * @param spec the text
     * @param dataset the data it applies to: image steps need its image shape
     * @return the pipeline
     * @throws IllegalArgumentException naming the bad step, e.g. an image step for vector data
     */
    public static Augmentation parse(String spec, Dataset dataset) {
        Objects.requireNonNull(dataset, "dataset must not be null");
        return parse(spec, dataset.imageShape(), dataset.name());
    }

    /**
     * Parses a pipeline, as {@link #parse(String, Dataset)}, for data of a known layout rather than
     * a loaded dataset: the learner's input, whose image shape comes from its configuration.
     *
     * @param spec the text
     * @param imageShape the image shape of the data, empty for plain feature vectors
     * @param dataName what the data is called in messages
     * @return the pipeline
     * @throws IllegalArgumentException naming the bad step, e.g. an image step for vector data
     */
    public static Augmentation parse(
            String spec, Optional<ImageShape> imageShape, String dataName) {
        Objects.requireNonNull(spec, "spec must not be null");
        Objects.requireNonNull(imageShape, "imageShape must not be null");
        String trimmed = spec.trim();
        if (trimmed.equals("default")) {
            return imageShape
                    .map(Augmentations::imageDefaults)
                    .orElseGet(Augmentations::vectorDefaults);
        }
        if (trimmed.equals("none")) {
            return identity();
        }
        List<Augmentation> steps = new java.util.ArrayList<>();
        for (String step : trimmed.split(",")) {
            String[] parts = step.trim().split(":", 2);
            if (parts.length != 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException(
                        "Augmentation step '"
                                + step.trim()
                                + "' needs a value. Syntax: "
                                + SPEC_SYNTAX);
            }
            String name = parts[0].trim();
            String value = parts[1].trim();
            try {
                steps.add(
                        switch (name) {
                            case "shift" ->
                                    new RandomShift(
                                            image(imageShape, dataName, name),
                                            Integer.parseInt(value));
                            case "flip" ->
                                    new HorizontalFlip(
                                            image(imageShape, dataName, name),
                                            Double.parseDouble(value));
                            case "erase" ->
                                    new RandomErasing(
                                            image(imageShape, dataName, name),
                                            Double.parseDouble(value),
                                            RandomErasing.DEFAULT_MIN_AREA,
                                            RandomErasing.DEFAULT_MAX_AREA);
                            case "crop" ->
                                    new RandomResizedCrop(
                                            image(imageShape, dataName, name),
                                            Double.parseDouble(value),
                                            1.0);
                            case "noise" -> new GaussianNoise(Double.parseDouble(value));
                            case "mask" -> new RandomMasking(Double.parseDouble(value));
                            case "scale" -> {
                                String[] range = value.split("-", 2);
                                if (range.length != 2) {
                                    throw new IllegalArgumentException(
                                            "Augmentation step scale takes MIN-MAX, e.g. scale:0.9-1.1. Got: "
                                                    + value);
                                }
                                yield new RandomScaling(
                                        Double.parseDouble(range[0]), Double.parseDouble(range[1]));
                            }
                            default ->
                                    throw new IllegalArgumentException(
                                            "Unknown augmentation step '"
                                                    + name
                                                    + "'. Syntax: "
                                                    + SPEC_SYNTAX);
                        });
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "Augmentation step " + name + " takes a number. Got: " + value, e);
            }
        }
        return compose(steps.toArray(new Augmentation[0]));
    }

    private static ImageShape image(Optional<ImageShape> imageShape, String dataName, String step) {
        return imageShape.orElseThrow(
                () ->
                        new IllegalArgumentException(
                                "Augmentation step "
                                        + step
                                        + " works on images, but "
                                        + dataName
                                        + " holds plain feature vectors"));
    }

    /** Augmentations applied one after the other. */
    private record Composed(List<Augmentation> steps) implements Augmentation {

        @Override
        public float[] apply(float[] x, RandomGenerator rng) {
            Objects.requireNonNull(x, "x must not be null");
            float[] current = x.clone();
            for (Augmentation step : steps) {
                current = step.apply(current, rng);
            }
            return current;
        }
    }
}
