package io.github.vicregstreams.vicreg;

/**
 * What a checkpoint holds, read from its header without loading the model.
 *
 * @param formatVersion the binary format version
 * @param config the trainer configuration it was made with
 * @param step the model's step counter
 * @param sizeBytes the checkpoint's size
 */
public record CheckpointInfo(int formatVersion, TrainerConfig config, long step, int sizeBytes) {

    /**
     * Reads and verifies a checkpoint's header and checksum.
     *
     * @param checkpoint the bytes of {@link VicregTrainer#checkpoint()}
     * @return its description
     * @throws InvalidCheckpointException if it is truncated, corrupt or of an unknown format
     */
    public static CheckpointInfo of(byte[] checkpoint) {
        CheckpointCodec.Decoded decoded = CheckpointCodec.decode(checkpoint);
        return new CheckpointInfo(
                decoded.formatVersion(), decoded.config(), decoded.step(), checkpoint.length);
    }
}
