package io.github.vicregstreams.vicreg;

/**
 * The shape of a VICReg model: input (encoder) dimension, hidden size of the encoder and projector,
 * projection dimension, and the encoder's architecture.
 *
 * <p>The representation people consume is the encoder output, of dimension {@code hiddenSize}; the
 * projection of dimension {@code projectionDim} exists for the loss.
 *
 * @param encoderDim the number of input features per sample
 * @param hiddenSize the width of the encoder and projector layers, and of the representation
 * @param projectionDim the width of the projector's output, where the loss is computed
 * @param encoder the encoder's architecture; {@link EncoderKind#CONV} reads the input as a square
 *     single-channel image, so {@code encoderDim} must be a square
 */
public record ModelSpec(int encoderDim, int hiddenSize, int projectionDim, EncoderKind encoder) {

    /** The smallest image side the convolutional encoder takes. */
    public static final int MIN_IMAGE_SIDE = 4;

    /**
     * Validates the dimensions.
     *
     * @throws IllegalArgumentException if a dimension is not positive, the encoder is missing, or a
     *     convolutional encoder's input is not a square image of side at least {@value
     *     #MIN_IMAGE_SIDE}
     */
    public ModelSpec {
        requirePositive("encoderDim", encoderDim);
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("projectionDim", projectionDim);
        if (encoder == null) {
            throw new IllegalArgumentException("encoder must not be null");
        }
        if (encoder == EncoderKind.CONV) {
            int side = (int) Math.round(Math.sqrt(encoderDim));
            if (side * side != encoderDim || side < MIN_IMAGE_SIDE) {
                throw new IllegalArgumentException(
                        "the conv encoder takes square single-channel images of side at least "
                                + MIN_IMAGE_SIDE
                                + " (input dimension 16, 25, …, 784 for 28×28). Got input dimension: "
                                + encoderDim);
            }
        }
    }

    /**
     * A spec with the MLP encoder.
     *
     * @param encoderDim the number of input features per sample
     * @param hiddenSize the width of the encoder and projector layers, and of the representation
     * @param projectionDim the width of the projector's output
     */
    public ModelSpec(int encoderDim, int hiddenSize, int projectionDim) {
        this(encoderDim, hiddenSize, projectionDim, EncoderKind.MLP);
    }

    /**
     * The side of the square input image of a convolutional encoder.
     *
     * @return the side, in pixels
     * @throws IllegalStateException if the encoder is not convolutional
     */
    public int imageSide() {
        if (encoder != EncoderKind.CONV) {
            throw new IllegalStateException("only the conv encoder reads its input as an image");
        }
        return (int) Math.round(Math.sqrt(encoderDim));
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

    /**
     * How many parameter arrays the model has: a weight and a bias per linear and convolutional
     * layer, a gain and a bias per LayerNorm ({@link VicregBlock} builds them; a test keeps the two
     * equal).
     *
     * @return 16 for the MLP encoder, 18 for the convolutional one
     */
    public int parameterTensors() {
        int projector = 8; // 3 linear layers and 1 LayerNorm
        int encoderTensors =
                encoder == EncoderKind.MLP ? 8 : 10; // 2 linear + 2 norms; 3 conv + 1 + 1
        return encoderTensors + projector;
    }

    /**
     * How many float32 values the model's parameters hold, computed from the dimensions alone
     * without building the model, so that a checkpoint's declared sizes can be checked before
     * anything is allocated for them.
     *
     * @return the number of parameter values
     * @throws ArithmeticException if the count does not fit a {@code long}
     */
    public long parameterCount() {
        // Exact arithmetic: a forged checkpoint may declare any int dimensions, and an overflowed
        // count would pass the size checks it exists for.
        long h = hiddenSize;
        long encoderValues;
        if (encoder == EncoderKind.MLP) {
            encoderValues = sum(linear(encoderDim, h), 2 * h, linear(h, h), 2 * h);
        } else {
            long c = VicregBlock.CONV_CHANNELS;
            long kernel = 3 * 3;
            // 3×3 kernels with padding 1: the first keeps the side, the two of stride 2 halve it.
            long side = ceilHalf(ceilHalf(imageSide()));
            encoderValues =
                    sum(
                            kernel * c + c,
                            kernel * c * 2 * c + 2 * c,
                            kernel * 2 * c * 2 * c + 2 * c,
                            linear(2 * c * side * side, h),
                            2 * h);
        }
        return sum(encoderValues, linear(h, h), 2 * h, linear(h, h), linear(h, projectionDim));
    }

    private static long linear(long in, long out) {
        return Math.addExact(Math.multiplyExact(in, out), out);
    }

    private static long sum(long... terms) {
        long total = 0;
        for (long term : terms) {
            total = Math.addExact(total, term);
        }
        return total;
    }

    private static long ceilHalf(long n) {
        return (n + 1) / 2;
    }

    /**
     * {@code input-hidden-projection}, prefixed with {@code conv:} for the convolutional encoder:
     * {@code 784-512-256}, {@code conv:784-512-256}.
     *
     * @return the spec in one word
     */
    @Override
    public String toString() {
        String dims = encoderDim + "-" + hiddenSize + "-" + projectionDim;
        return encoder == EncoderKind.MLP ? dims : encoder.configName() + ":" + dims;
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1. Got: " + value);
        }
    }
}
