package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import io.github.vicregstreams.vicreg.ModelWeights;
import io.github.vicregstreams.vicreg.TrainerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded weights of the latest checkpoint, shared by the processors of one topology: the
 * global thread decodes a new checkpoint once, as it stores it, and every inference task then
 * builds its own model from these host arrays (a copy of a few MB) instead of decoding and checking
 * the whole checkpoint again. Also the initial weights, made once from the seed.
 *
 * <p>Thread-safe. It holds the few checkpoints last asked for: the model's latest and, with model
 * versions, the served version and the one being backfilled.
 */
final class ModelWeightsCache {

    private final TrainerConfig trainerConfig;
    private final DeviceChoice device;

    /** Latest checkpoint, served version, backfilled version, and one arriving. */
    private static final int CAPACITY = 4;

    private final Map<Long, ModelWeights> decoded =
            new LinkedHashMap<>(CAPACITY, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, ModelWeights> eldest) {
                    return size() > CAPACITY;
                }
            };
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
        ModelWeights weights = ModelWeights.fromCheckpoint(checkpoint, trainerConfig.spec());
        decoded.put(weights.fingerprint(), weights);
        return weights;
    }

    /**
     * The weights of a checkpoint, decoded unless they are the ones cached.
     *
     * @throws InvalidCheckpointException if the checkpoint is corrupt or for another model spec
     */
    synchronized ModelWeights weightsOf(byte[] checkpoint) {
        long fingerprint = ModelWeights.fingerprint(checkpoint);
        ModelWeights weights = decoded.get(fingerprint);
        if (weights == null) {
            weights = ModelWeights.fromCheckpoint(checkpoint, trainerConfig.spec());
            decoded.put(fingerprint, weights);
        }
        return weights;
    }

    /** The width of the model's representations: what inference embeds into. */
    int representationDim() {
        return trainerConfig.spec().representationDim();
    }

    /** The weights the trainer starts from: the configured seed, on the configured device. */
    synchronized ModelWeights initial() {
        if (initial == null) {
            initial = ModelWeights.initial(trainerConfig, device);
        }
        return initial;
    }
}
