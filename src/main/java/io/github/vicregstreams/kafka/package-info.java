/**
 * Kafka without a separate installation: a real single-node KRaft broker that runs in the learner's
 * JVM, and topic administration: {@link io.github.vicregstreams.kafka.TopicCreator} creates missing
 * topics, waits for their leaders and describes them, for the broker and for the learner's topic
 * setup.
 *
 * <p>Start with {@link io.github.vicregstreams.kafka.EmbeddedKafkaBroker}: the command line starts
 * one when no bootstrap servers are configured, and the integration tests run against one. It is
 * built from Kafka's own server classes, which are internal to Kafka; this package's tests are the
 * check to re-run on every Kafka upgrade.
 *
 * <p>This package knows nothing of the topology, the command line or DJL.
 */
package io.github.vicregstreams.kafka;
