package io.github.vicregstreams.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * One augmented view of a sample, from the views topic: a producer sends view 0 and view 1 of each
 * sample under the same {@code id}, and the learner trains on the pair.
 *
 * <p>Immutable: the feature array is copied in and out. The hot path reads features with {@link
 * #copyFeaturesTo(float[], int)}, which copies once into a caller's batch buffer.
 *
 * @param id the sample id, 1 to {@link EventLimits#MAX_ID_LENGTH} characters; also the record key
 * @param view 0 or 1
 * @param features the input vector, all values finite; its length must equal the model's input
 *     dimension, which {@link FeatureEventParser#views} checks
 * @param timestamp epoch milliseconds when the producer gave one, else null (the Kafka record
 *     timestamp applies then: see {@link #timestampOr(long)})
 * @param metadata free-form JSON carried to the embedding, or null
 */
public record ViewEvent(String id, int view, float[] features, Long timestamp, Metadata metadata)
        implements InputEvent {

    /**
     * Creates a view event.
     *
     * @throws IllegalArgumentException if a value breaks the contract
     */
    public ViewEvent {
        EventLimits.require(EventLimits.checkId(id));
        EventLimits.require(EventLimits.checkView(view));
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

    /**
     * Returns a copy with other metadata.
     *
     * @param newMetadata the metadata, or null for none
     * @return a new event
     */
    public ViewEvent withMetadata(Metadata newMetadata) {
        return new ViewEvent(id, view, features, timestamp, newMetadata);
    }

    /**
     * Returns a copy with another timestamp.
     *
     * @param newTimestamp epoch milliseconds, or null for none
     * @return a new event
     */
    public ViewEvent withTimestamp(Long newTimestamp) {
        return new ViewEvent(id, view, features, newTimestamp, metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewEvent other
                && view == other.view
                && id.equals(other.id)
                && Arrays.equals(features, other.features)
                && Objects.equals(timestamp, other.timestamp)
                && Objects.equals(metadata, other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, view, Arrays.hashCode(features), timestamp, metadata);
    }

    /** Shows the feature count, not the values: 784 numbers in a log line help nobody. */
    @Override
    public String toString() {
        return "ViewEvent[id="
                + id
                + ", view="
                + view
                + ", features=float["
                + features.length
                + "], timestamp="
                + timestamp
                + ", metadata="
                + metadata
                + "]";
    }
}
