package io.github.vicregstreams.vicreg;

/**
 * The shape of a VICReg model: input (encoder) dimension, hidden size of the encoder and projector,
 * and projection dimension.
 *
 * <p>The representation people consume is the encoder output, of dimension {@code hiddenSize};
 * the projection of dimension {@code projectionDim} exists for the loss.
 *
 * @param encoderDim the number of input features per sample
 * @param hiddenSize the width of the encoder and projector layers, and of the representation
 * @param projectionDim the width of the projector's output, where the loss is computed
 */
public record ModelSpec(int encoderDim, int hiddenSize, int projectionDim) {

  /**
   * Validates the dimensions.
   *
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public ModelSpec {
    requirePositive("encoderDim", encoderDim);
    requirePositive("hiddenSize", hiddenSize);
    requirePositive("projectionDim", projectionDim);
  }

  /**
   * The default spec for an input dimension: hidden size {@value Vicreg#DEFAULT_HIDDEN_SIZE},
   * projection dimension {@value Vicreg#DEFAULT_PROJECTION_DIM}.
   *
   * @param encoderDim the number of input features per sample
   * @return the spec
   */
  public static ModelSpec of(int encoderDim) {
    return new ModelSpec(encoderDim, Vicreg.DEFAULT_HIDDEN_SIZE, Vicreg.DEFAULT_PROJECTION_DIM);
  }

  /**
   * The representation (encoder output) dimension.
   *
   * @return {@code hiddenSize}
   */
  public int representationDim() {
    return hiddenSize;
  }

  @Override
  public String toString() {
    return encoderDim + "-" + hiddenSize + "-" + projectionDim;
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1. Got: " + value);
    }
  }
}
