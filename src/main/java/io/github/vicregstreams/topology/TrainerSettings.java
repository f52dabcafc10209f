package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.TrainerConfig;

/**
 * What the trainer needs of the learner's configuration, read once when the topology is built: the
 * trainer reads these per record, and a record's accessor costs nothing.
 *
 * @param modelName the model's name: the key of its checkpoints and metrics
 * @param trainerConfig the model and optimizer a new trainer starts with
 * @param device where the model trains
 * @param batchSize {@code train.batch.size}
 * @param batchWindowMs {@code train.batch.window.ms}
 * @param checkpointIntervalSteps {@code checkpoint.interval.steps}
 * @param checkpointIdleMs {@code checkpoint.idle.ms}
 * @param embeddingSource which representation of a pair is published as its embedding
 * @param signature signs published checkpoints (or signs nothing)
 * @param collapseThresholds when the log warns of collapse
 * @param journalTopic the topic the trainer reads, its journal: the pairs topic, or the pair-events
 *     topic with {@code train.source=pair-events}
 * @param pairsTopic the pairs topic, whose offsets a trainer state without its journal's name
 *     counts
 * @param inputDim the width of a view: a pair of another width is dead-lettered, not trained
 * @param versions when checkpoints become model versions
 * @param source what the trainer trains on besides pairs, and how it draws a raw sample's views
 * @param replay the replay buffer, or {@link ReplaySettings#OFF}
 * @param stepThread {@code train.step.thread}: whether steps run on a thread of their own
 */
record TrainerSettings(
        String modelName,
        TrainerConfig trainerConfig,
        DeviceChoice device,
        int batchSize,
        long batchWindowMs,
        int checkpointIntervalSteps,
        long checkpointIdleMs,
        EmbeddingSource embeddingSource,
        CheckpointSignature signature,
        CollapseDetector.Thresholds collapseThresholds,
        String journalTopic,
        String pairsTopic,
        int inputDim,
        VersionSettings versions,
        TrainingSource source,
        ReplaySettings replay,
        boolean stepThread) {

    static TrainerSettings from(LearnerConfig config) {
        TrainingSource source = TrainingSourceKeys.settings(config);
        return new TrainerSettings(
                config.modelName(),
                config.trainerConfig(),
                config.device(),
                config.batchSize(),
                config.batchWindowMs(),
                config.checkpointIntervalSteps(),
                config.checkpointIdleMs(),
                config.embeddingSource(),
                config.checkpointSignature(),
                config.collapseThresholds(),
                source.pairEventsDirect() ? config.topics().pairEvents() : config.topics().pairs(),
                config.topics().pairs(),
                config.modelSpec().encoderDim(),
                config.versions(),
                source,
                ReplayKeys.settings(config),
                config.getBoolean(LearnerConfig.TRAIN_STEP_THREAD_CONFIG));
    }
}
