package io.github.vicregstreams.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The representation of one sample, on the embeddings topic (key = sample id): the encoder output
 * of the model at {@code modelStep}, with the sample's metadata carried through untouched.
 *
 * <p>Immutable: the embedding array is copied in and out.
 *
 * @param id the sample id
 * @param embedding the encoder output, all values finite
 * @param modelStep the training step of the model that produced it, at least 0
 * @param source whether it came from a training step or from embedding a sample
 * @param timestamp epoch milliseconds of the event it embeds, at least 0
 * @param metadata the metadata of that event, or null
 * @param modelVersion the model version whose weights produced it (at least 1), or null when the
 *     weights were not a promoted version: training embeddings, and inference while versions are
 *     off ({@code model.version.interval.*} = 0)
 */
public record EmbeddingEvent(
        String id,
        float[] embedding,
        long modelStep,
        Source source,
        long timestamp,
        Metadata metadata,
        Long modelVersion) {

    /** Where an embedding came from. */
    public enum Source {
        /** From the forward pass of a training step, on a view. */
        TRAINING,
        /** From the latest model, on a sample of the samples topic. */
        INFERENCE;

        private final String code = name().toLowerCase(Locale.ROOT);

        /**
         * Returns the wire form, {@code "training"} or {@code "inference"}.
         *
         * @return the code
         */
        public String code() {
            return code;
        }

        /**
         * Returns the source with the given wire form.
         *
         * @param code {@code "training"} or {@code "inference"}
         * @return the source
         * @throws IllegalArgumentException for any other string
         */
        public static Source fromCode(String code) {
            for (Source source : values()) {
                if (source.code.equals(code)) {
                    return source;
                }
            }
            throw new IllegalArgumentException(
                    "source must be \"training\" or \"inference\". Got: " + code);
        }
    }

    /**
     * Creates an embedding event.
     *
     * @throws IllegalArgumentException if a value breaks the contract, e.g. a non-finite value:
     *     standard JSON cannot carry it, so a diverged model must not publish
     */
    public EmbeddingEvent {
        EventLimits.require(EventLimits.checkId(id));
        Objects.requireNonNull(embedding, "embedding must not be null");
        EventLimits.require(EventLimits.checkVector("embedding", embedding));
        if (modelStep < 0) {
            throw new IllegalArgumentException("modelStep must be at least 0. Got: " + modelStep);
        }
        Objects.requireNonNull(source, "source must not be null");
        EventLimits.require(EventLimits.checkTimestamp("timestamp", timestamp));
        if (modelVersion != null && modelVersion < 1) {
            throw new IllegalArgumentException(
                    "modelVersion must be at least 1. Got: " + modelVersion);
        }
        embedding = embedding.clone();
    }

    /**
     * Creates an embedding event of weights that are not a model version.
     *
     * @throws IllegalArgumentException as the canonical constructor
     */
    public EmbeddingEvent(
            String id,
            float[] embedding,
            long modelStep,
            Source source,
            long timestamp,
            Metadata metadata) {
        this(id, embedding, modelStep, source, timestamp, metadata, null);
    }

    /**
     * Returns a copy of the embedding.
     *
     * @return a new array
     */
    @Override
    public float[] embedding() {
        return embedding.clone();
    }

    /**
     * Returns the embedding's dimension.
     *
     * @return the number of values
     */
    public int dimension() {
        return embedding.length;
    }

    /** The embedding without a copy, for this package's writer, which only reads it. */
    float[] embeddingUnsafe() {
        return embedding;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingEvent other
                && modelStep == other.modelStep
                && timestamp == other.timestamp
                && source == other.source
                && id.equals(other.id)
                && Arrays.equals(embedding, other.embedding)
                && Objects.equals(metadata, other.metadata)
                && Objects.equals(modelVersion, other.modelVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                id,
                Arrays.hashCode(embedding),
                modelStep,
                source,
                timestamp,
                metadata,
                modelVersion);
    }

    /** Shows the dimension, not the values. */
    @Override
    public String toString() {
        return "EmbeddingEvent[id="
                + id
                + ", embedding=float["
                + embedding.length
                + "], modelStep="
                + modelStep
                + ", source="
                + source.code()
                + ", timestamp="
                + timestamp
                + ", metadata="
                + metadata
                + ", modelVersion="
                + modelVersion
                + "]";
    }
}
