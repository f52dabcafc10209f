package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.DeviceChoice;

/**
 * What inference needs of the learner's configuration, read once when the topology is built.
 *
 * @param modelName the model's name: the key of its checkpoint in the global store
 * @param device where samples are embedded
 * @param batchSize {@code inference.batch.size}: 1 embeds each sample as it arrives, unbuffered
 * @param lingerMs {@code inference.batch.linger.ms}
 * @param versions which model versions inference serves
 */
record InferenceSettings(
        String modelName,
        DeviceChoice device,
        int batchSize,
        long lingerMs,
        VersionSettings versions) {

    static InferenceSettings from(LearnerConfig config) {
        return new InferenceSettings(
                config.modelName(),
                config.device(),
                config.inferenceBatchSize(),
                config.inferenceBatchLingerMs(),
                config.versions());
    }
}
