package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * The encoder of a VICReg model at one step, for inference only: no projector, no optimizer, no
 * gradients. {@link #embed} gives exactly what {@link VicregTrainer#embed} gives for the same
 * weights: both embed through the same encoder core.
 *
 * <p>Not thread-safe: create it, use it and close it on one thread (it reuses one staging buffer).
 * Each call's arrays live in a sub-manager closed before the call returns, so memory stays flat.
 */
public final class InferenceModel implements AutoCloseable {

    private final long step;
    private final EncoderCore core;
    private NDArray outputMap;

    private InferenceModel(ModelWeights weights, Device device) {
        this.step = weights.step();
        this.core = EncoderCore.encoderOf(weights, device, "inference model");
    }

    /**
     * Builds the encoder of these weights on a device: the one way to get an encoder for inference.
     *
     * @param weights the weights, of a checkpoint ({@link ModelWeights#fromCheckpoint}) or of a
     *     fresh trainer ({@link ModelWeights#initial})
     * @param device where to run
     * @return the model
     * @throws IllegalStateException if a GPU is asked for and there is none
     * @throws InvalidCheckpointException if the weights do not fit their spec's network
     */
    public static InferenceModel create(ModelWeights weights, DeviceChoice device) {
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
        return new InferenceModel(weights, device.resolve());
    }

    /**
     * The representations (encoder outputs) of samples, in one forward pass.
     *
     * @param samples {@code [n][encoderDim]}, n ≥ 1, finite
     * @return {@code [n][hiddenSize]}; row i is the representation of sample i, whatever else is in
     *     the batch (every layer works row by row)
     * @throws IllegalArgumentException if the samples are null, empty, ragged, non-finite or of the
     *     wrong width
     */
    public float[][] embed(float[][] samples) {
        return core.embed(samples, outputMap);
    }

    /**
     * Multiplies every representation by a matrix from now on, in the forward pass on the model's
     * device: a rotation of the embedding space costs a matrix product per batch, not a loop per
     * row. Null removes it.
     *
     * @param matrix {@code [hiddenSize][m]}, finite, or null
     * @throws IllegalArgumentException if the matrix has not {@code hiddenSize} rows, or is ragged
     *     or not finite
     */
    public void mapOutputs(float[][] matrix) {
        if (matrix != null && matrix.length != core.spec().hiddenSize()) {
            throw new IllegalArgumentException(
                    "the output map must have "
                            + core.spec().hiddenSize()
                            + " rows, one per representation value. Got: "
                            + matrix.length);
        }
        NDArray next = matrix == null ? null : core.constant(matrix);
        if (outputMap != null) {
            outputMap.close();
        }
        outputMap = next;
    }

    /**
     * The training step of the weights.
     *
     * @return the step
     */
    public long step() {
        return step;
    }

    /**
     * The model's dimensions.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return core.spec();
    }

    /**
     * Where it runs.
     *
     * @return the device
     */
    public Device device() {
        return core.device();
    }

    /** Releases the native memory. Safe to call twice. */
    @Override
    public void close() {
        core.close();
    }
}
