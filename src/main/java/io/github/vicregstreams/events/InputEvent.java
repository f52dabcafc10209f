package io.github.vicregstreams.events;

/**
 * An event of an input topic — a view, a sample or a pair event: keyed by its {@code id}, with the
 * producer's optional timestamp and free-form metadata that is carried to its embedding.
 */
public sealed interface InputEvent permits ViewEvent, SampleEvent, PairEvent {

    /**
     * Returns the sample id, 1 to {@value EventLimits#MAX_ID_LENGTH} characters; also the record
     * key.
     *
     * @return the id
     */
    String id();

    /**
     * Returns the producer's timestamp.
     *
     * @return epoch milliseconds, or null when the producer gave none
     */
    Long timestamp();

    /**
     * Returns the free-form metadata.
     *
     * @return the metadata, or null
     */
    Metadata metadata();

    /**
     * Returns the producer's timestamp, or {@code fallback} when it gave none.
     *
     * @param fallback usually the Kafka record timestamp
     * @return the timestamp in epoch milliseconds
     */
    default long timestampOr(long fallback) {
        Long timestamp = timestamp();
        return timestamp != null ? timestamp : fallback;
    }
}
