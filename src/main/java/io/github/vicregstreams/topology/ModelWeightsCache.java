package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import io.github.vicregstreams.vicreg.ModelWeights;
import io.github.vicregstreams.vicreg.TrainerConfig;

/**
 * The decoded weights of the latest checkpoint, shared by the processors of one topology: the
 * global thread decodes a new checkpoint once, as it stores it, and every inference task then
 * builds its own model from these host arrays (a copy of a few MB) instead of decoding and checking
 * the whole checkpoint again. Also the initial weights, made once from the seed.
 *
 * <p>Thread-safe. It holds one checkpoint: the one last asked for.
 */
final class ModelWeightsCache {

    private final TrainerConfig trainerConfig;
    private final DeviceChoice device;
    private ModelWeights latest;
    private ModelWeights initial;

    ModelWeightsCache(TrainerConfig trainerConfig, DeviceChoice device) {
        this.trainerConfig = trainerConfig;
        this.device = device;
    }

    /**
     * Decodes and verifies a new checkpoint (its checksum and every size and value), and keeps it
     * as the one to compare with: the global thread calls this before it stores the record, so the
     * cheap fingerprint compare of {@link #weightsOf} only ever matches verified bytes.
     *
     * @throws InvalidCheckpointException if the checkpoint is corrupt or for another model spec
     */
    synchronized ModelWeights verify(byte[] checkpoint) {
        latest = ModelWeights.fromCheckpoint(checkpoint, trainerConfig.spec());
        return latest;
    }

    /**
     * The weights of a checkpoint, decoded unless they are the ones cached.
     *
     * @throws InvalidCheckpointException if the checkpoint is corrupt or for another model spec
     */
    synchronized ModelWeights weightsOf(byte[] checkpoint) {
        long fingerprint = ModelWeights.fingerprint(checkpoint);
        if (latest == null || latest.fingerprint() != fingerprint) {
            latest = ModelWeights.fromCheckpoint(checkpoint, trainerConfig.spec());
        }
        return latest;
    }

    /** The weights the trainer starts from: the configured seed, on the configured device. */
    synchronized ModelWeights initial() {
        if (initial == null) {
            initial = ModelWeights.initial(trainerConfig, device);
        }
        return initial;
    }
}
