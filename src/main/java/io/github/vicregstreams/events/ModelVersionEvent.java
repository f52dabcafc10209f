package io.github.vicregstreams.events;

import java.util.Locale;
import java.util.Objects;

/**
 * One event in the life of a model version, on the model-versions topic (key {@link #key()}):
 * {@code promoted} when the trainer makes a checkpoint version {@code version}, {@code complete}
 * when every item of the items topic has an embedding of that version (the backfill is done) and
 * inference serves it. A consumer that indexes embeddings swaps to version N once it has seen
 * {@code complete} for N and holds at least {@code items} embeddings of N.
 *
 * @param modelName the model's name ({@code model.name})
 * @param version the version number, from 1, one more than the previous version's
 * @param type what happened to the version
 * @param step the training step of the version's checkpoint
 * @param checkpointId the id of the version's checkpoint ({@code vicreg.checkpoint.id})
 * @param items for {@code complete}: how many items the backfill embedded with the version; null
 *     for {@code promoted}
 * @param timestamp epoch milliseconds when it happened
 */
public record ModelVersionEvent(
        String modelName,
        long version,
        Type type,
        long step,
        String checkpointId,
        Long items,
        long timestamp) {

    /** What happened to a model version. */
    public enum Type {
        /** The trainer made a checkpoint this version; its backfill starts. */
        PROMOTED,
        /** Every item has an embedding of this version; inference now serves it alone. */
        COMPLETE;

        private final String code = name().toLowerCase(Locale.ROOT);

        /**
         * Returns the wire form, {@code "promoted"} or {@code "complete"}.
         *
         * @return the code
         */
        public String code() {
            return code;
        }

        /**
         * Returns the type with the given wire form.
         *
         * @param code {@code "promoted"} or {@code "complete"}
         * @return the type
         * @throws IllegalArgumentException for any other string
         */
        public static Type fromCode(String code) {
            for (Type type : values()) {
                if (type.code.equals(code)) {
                    return type;
                }
            }
            throw new IllegalArgumentException(
                    "type must be \"promoted\" or \"complete\". Got: " + code);
        }
    }

    /**
     * Creates a model version event.
     *
     * @throws IllegalArgumentException if a value breaks the contract
     */
    public ModelVersionEvent {
        Objects.requireNonNull(modelName, "modelName must not be null");
        if (modelName.isEmpty()) {
            throw new IllegalArgumentException("modelName must not be empty");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1. Got: " + version);
        }
        Objects.requireNonNull(type, "type must not be null");
        if (step < 0) {
            throw new IllegalArgumentException("step must be at least 0. Got: " + step);
        }
        Objects.requireNonNull(checkpointId, "checkpointId must not be null");
        if ((type == Type.COMPLETE) != (items != null)) {
            throw new IllegalArgumentException(
                    "items is given for complete events and only for them. Got: type="
                            + type.code()
                            + ", items="
                            + items);
        }
        if (items != null && items < 0) {
            throw new IllegalArgumentException("items must be at least 0. Got: " + items);
        }
        EventLimits.require(EventLimits.checkTimestamp("timestamp", timestamp));
    }

    /**
     * A promoted event.
     *
     * @return the event
     */
    public static ModelVersionEvent promoted(
            String modelName, long version, long step, String checkpointId, long timestamp) {
        return new ModelVersionEvent(
                modelName, version, Type.PROMOTED, step, checkpointId, null, timestamp);
    }

    /**
     * A complete event.
     *
     * @return the event
     */
    public static ModelVersionEvent complete(
            String modelName,
            long version,
            long step,
            String checkpointId,
            long items,
            long timestamp) {
        return new ModelVersionEvent(
                modelName, version, Type.COMPLETE, step, checkpointId, items, timestamp);
    }

    /**
     * The record key: {@code <modelName>/<version>/<type>}, so that a compacted topic keeps one
     * event of each kind per version.
     *
     * @return the key
     */
    public String key() {
        return modelName + "/" + version + "/" + type.code();
    }
}
