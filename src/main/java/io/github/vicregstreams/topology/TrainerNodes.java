package io.github.vicregstreams.topology;

/**
 * The trainer's node and store names in the topology, given by {@code LearnerTopology}.
 *
 * @param name the trainer's own node, for its metrics
 * @param stateStore the store of its checkpoint and cursor
 * @param latestModelStore the global store of the model topic's latest checkpoint
 * @param embeddingsSink where the embeddings of trained pairs go
 * @param metricsSink where one metrics event per step goes
 * @param modelSink where checkpoints are published
 * @param deadLettersSink where pairs with a non-finite embedding go
 * @param versionsSink where promoted model versions are announced (used with model versions on)
 */
record TrainerNodes(
        String name,
        String stateStore,
        String latestModelStore,
        String embeddingsSink,
        String metricsSink,
        String modelSink,
        String deadLettersSink,
        String versionsSink) {}
