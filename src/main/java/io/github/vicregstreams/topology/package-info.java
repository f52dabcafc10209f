/**
 * The learner as a Kafka Streams topology: validate views, pair them, gather mini-batches on one
 * trainer partition, train, checkpoint and publish embeddings.
 *
 * <p>Start with {@link io.github.vicregstreams.topology.LearnerTopology#build}, configured by
 * {@link io.github.vicregstreams.topology.LearnerConfig}; {@link
 * io.github.vicregstreams.topology.LearnerApp} runs it against a cluster. {@code
 * topology/README.md} in the repository describes each node.
 */
package io.github.vicregstreams.topology;
