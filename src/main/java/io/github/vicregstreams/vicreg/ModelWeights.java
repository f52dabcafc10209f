package io.github.vicregstreams.vicreg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The parameters of a VICReg model at one step, as plain host arrays: what inference needs of a
 * checkpoint, without the optimizer state. Immutable and thread-safe, so one decoded checkpoint can
 * feed the {@link InferenceModel}s of many threads.
 */
public final class ModelWeights {

    private final ModelSpec spec;
    private final long step;
    private final long fingerprint;
    private final List<CheckpointCodec.Tensor> tensors;

    private ModelWeights(
            ModelSpec spec, long step, long fingerprint, List<CheckpointCodec.Tensor> tensors) {
        this.spec = spec;
        this.step = step;
        this.fingerprint = fingerprint;
        this.tensors = tensors;
    }

    /**
     * Decodes and verifies a checkpoint, keeping only its parameters.
     *
     * @param checkpoint the bytes of {@link VicregTrainer#checkpoint()}
     * @param expectedSpec the spec the caller needs, or null to accept any
     * @return the weights
     * @throws InvalidCheckpointException if the checkpoint is truncated, corrupt, unknown or made
     *     for another spec
     */
    public static ModelWeights fromCheckpoint(byte[] checkpoint, ModelSpec expectedSpec) {
        CheckpointCodec.Decoded decoded = CheckpointCodec.decode(checkpoint);
        ModelSpec spec = decoded.config().spec();
        if (expectedSpec != null && !expectedSpec.equals(spec)) {
            throw InvalidCheckpointException.forOtherSpec(spec, expectedSpec);
        }
        List<CheckpointCodec.Tensor> parameters =
                decoded.tensors().stream()
                        .map(
                                t ->
                                        new CheckpointCodec.Tensor(
                                                t.name(), t.shape(), t.values(), new float[0][]))
                        .toList();
        return new ModelWeights(spec, decoded.step(), fingerprint(checkpoint), parameters);
    }

    /**
     * The weights a fresh {@link VicregTrainer} of this configuration starts from (step 0): the
     * same seed on the same device gives the same values.
     *
     * @param config the trainer configuration (its spec and seed matter here)
     * @param device where the trainer would initialise them: the CPU and CUDA generators differ
     * @return the initial weights
     */
    public static ModelWeights initial(TrainerConfig config, DeviceChoice device) {
        try (VicregTrainer trainer = VicregTrainer.create(config, device)) {
            return fromCheckpoint(trainer.checkpoint(), config.spec());
        }
    }

    /**
     * A cheap identity of a checkpoint's bytes, from its length and its stored checksum, without
     * decoding it: two checkpoints with the same fingerprint hold the same model.
     *
     * @param checkpoint the bytes of a checkpoint
     * @return the fingerprint; for bytes too short to be a checkpoint, their length
     */
    public static long fingerprint(byte[] checkpoint) {
        if (checkpoint.length < Integer.BYTES) {
            return checkpoint.length;
        }
        int checksum =
                ByteBuffer.wrap(checkpoint, checkpoint.length - Integer.BYTES, Integer.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getInt();
        return ((long) checkpoint.length << 32) | (checksum & 0xffffffffL);
    }

    /**
     * The model's dimensions.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The training step of these weights: how many updates made them.
     *
     * @return the step
     */
    public long step() {
        return step;
    }

    /**
     * {@link #fingerprint(byte[])} of the checkpoint these weights came from.
     *
     * @return the fingerprint
     */
    public long fingerprint() {
        return fingerprint;
    }

    /** The parameters in the model's order; their slots are empty. Never modify the arrays. */
    List<CheckpointCodec.Tensor> tensors() {
        return tensors;
    }
}
