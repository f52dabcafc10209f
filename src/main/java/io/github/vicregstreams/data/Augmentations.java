package io.github.vicregstreams.data;

import java.util.List;
import java.util.Objects;
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
    return dataset
        .imageShape()
        .map(Augmentations::imageDefaults)
        .orElseGet(Augmentations::vectorDefaults);
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
