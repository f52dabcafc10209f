/**
 * The contracts of every topic the learner reads or writes: immutable event records, their JSON
 * encodings, and the validation that turns a bad record into a {@link
 * io.github.vicregstreams.events.DeadLetter} instead of an exception.
 *
 * <p>Start with {@link io.github.vicregstreams.events.FeatureEventParser}: the topology reads the
 * views topic as bytes and calls {@code views(inputDim).parse(key, value)}, which returns either a
 * {@link io.github.vicregstreams.events.ViewEvent} or a rejection with a stable {@link
 * io.github.vicregstreams.events.Reason} code. {@link io.github.vicregstreams.events.EventSerdes}
 * gives the Kafka serdes of every event. The JSON Schemas under {@code schemas/} in the repository
 * describe the same formats, and a test keeps the two in agreement.
 *
 * <p>This package knows nothing of DJL or of the topology.
 */
package io.github.vicregstreams.events;
