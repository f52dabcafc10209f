package io.github.vicregstreams.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * One un-augmented sample to embed, from the samples topic: the learner answers with an {@link
 * EmbeddingEvent} from its latest model.
 *
 * <p>Immutable: the feature array is copied in and out.
 *
 * @param id the sample id, 1 to {@link EventLimits#MAX_ID_LENGTH} characters; also the record key
 * @param features the input vector, all values finite; its length must equal the model's input
 *     dimension, which {@link FeatureEventParser#samples} checks
 * @param timestamp epoch milliseconds when the producer gave one, else null
 * @param metadata free-form JSON carried to the embedding, or null
 */
public record SampleEvent(String id, float[] features, Long timestamp, Metadata metadata)
        implements InputEvent {

    /**
     * Creates a sample event.
     *
     * @throws IllegalArgumentException if a value breaks the contract
     */
    public SampleEvent {
        EventLimits.require(EventLimits.checkId(id));
        EventLimits.requireVector("features", features);
        EventLimits.requireOptionalTimestamp(timestamp);
        features = features.clone();
    }

    /**
     * Returns a copy of the features.
     *
     * @return a new array
     */
    @Override
    public float[] features() {
        return features.clone();
    }

    /**
     * Returns the number of features.
     *
     * @return the feature count
     */
    public int featureCount() {
        return features.length;
    }

    /**
     * Copies the features into {@code destination} from {@code offset}, e.g. into a row of a batch.
     *
     * @param destination the array to fill
     * @param offset where the first feature goes
     * @throws IndexOutOfBoundsException if the features do not fit
     */
    public void copyFeaturesTo(float[] destination, int offset) {
        System.arraycopy(features, 0, destination, offset, features.length);
    }

    /** The features without a copy, for this package's writers, which only read them. */
    float[] featuresUnsafe() {
        return features;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleEvent other
                && id.equals(other.id)
                && Arrays.equals(features, other.features)
                && Objects.equals(timestamp, other.timestamp)
                && Objects.equals(metadata, other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(features), timestamp, metadata);
    }

    /** Shows the feature count, not the values. */
    @Override
    public String toString() {
        return "SampleEvent[id="
                + id
                + ", features=float["
                + features.length
                + "], timestamp="
                + timestamp
                + ", metadata="
                + metadata
                + "]";
    }
}
