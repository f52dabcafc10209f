package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.PairEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The two views of one sample, paired: what the trainer consumes. Or, with {@code
 * train.source=samples}, one raw sample ({@link #sample}), whose two views the trainer draws itself
 * at each step it trains on it ({@link TrainerViews}).
 *
 * @param id the sample id
 * @param timestamp the later of the two views' timestamps
 * @param metadata the metadata of view 0, or of view 1 when view 0 has none; null when neither has
 * @param view0 features of view 0
 * @param view1 features of view 1
 */
record TrainingPair(String id, long timestamp, Metadata metadata, float[] view0, float[] view1) {

    /** The record form of two views. */
    private static final byte VERSION = 1;

    /** The record form of one raw sample: its features once. */
    private static final byte SAMPLE_VERSION = 2;

    TrainingPair {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(view0, "view0 must not be null");
        Objects.requireNonNull(view1, "view1 must not be null");
    }

    /**
     * The pair of a pair event: its two views, stamped with its record's timestamp (as a pair of
     * views is with the later of its two records').
     *
     * @param event a valid pair event
     * @param timestamp its record's timestamp
     * @return the pair
     */
    static TrainingPair of(PairEvent event, long timestamp) {
        return new TrainingPair(
                event.id(), timestamp, event.metadata(), event.view0(), event.view1());
    }

    /**
     * A raw sample for the trainer to augment: both views are its features, the same array.
     *
     * @param id the sample id
     * @param timestamp the sample's timestamp
     * @param metadata the sample's metadata, or null
     * @param features the sample's features
     * @return the pair holding the sample
     */
    static TrainingPair sample(String id, long timestamp, Metadata metadata, float[] features) {
        return new TrainingPair(id, timestamp, metadata, features, features);
    }

    /**
     * Whether both views have {@code width} features: pairs on the pairs topic were validated
     * against the input dimension of the learner that wrote them, which may not be this one's.
     *
     * @param width the model's input dimension
     * @return whether the model can train on this pair
     */
    boolean hasWidth(int width) {
        return view0.length == width && view1.length == width;
    }

    /**
     * Whether this holds one raw sample ({@link #sample}) rather than two views. Decided by
     * identity, not by value: two views that happen to be equal are still two views.
     *
     * @return true for a raw sample
     */
    boolean isSample() {
        return view0 == view1;
    }

    byte[] encode() {
        String metadataJson = metadata == null ? null : metadata.json();
        int size =
                1
                        + RecordCodec.stringSize(id)
                        + Long.BYTES
                        + RecordCodec.stringSize(metadataJson)
                        + RecordCodec.floatsSize(view0)
                        + (isSample() ? 0 : RecordCodec.floatsSize(view1));
        ByteBuffer out = RecordCodec.allocate(size);
        out.put(isSample() ? SAMPLE_VERSION : VERSION);
        RecordCodec.putString(out, id);
        out.putLong(timestamp);
        RecordCodec.putString(out, metadataJson);
        RecordCodec.putFloats(out, view0);
        if (!isSample()) {
            RecordCodec.putFloats(out, view1);
        }
        return out.array();
    }

    static TrainingPair decode(byte[] bytes) {
        boolean sample = bytes != null && bytes.length > 0 && bytes[0] == SAMPLE_VERSION;
        ByteBuffer in = RecordCodec.wrap(bytes, "training pair", sample ? SAMPLE_VERSION : VERSION);
        try {
            String id = RecordCodec.getString(in);
            long timestamp = in.getLong();
            Metadata metadata = metadata(RecordCodec.getString(in));
            float[] view0 = RecordCodec.getFloats(in);
            if (sample) {
                return TrainingPair.sample(id, timestamp, metadata, view0);
            }
            float[] view1 = RecordCodec.getFloats(in);
            return new TrainingPair(id, timestamp, metadata, view0, view1);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new SerializationException("Corrupt training pair record", e);
        }
    }

    private static Metadata metadata(String json) {
        return json == null ? null : Metadata.of(json);
    }

    static Serde<TrainingPair> serde() {
        Serializer<TrainingPair> serializer = (topic, pair) -> pair == null ? null : pair.encode();
        Deserializer<TrainingPair> deserializer =
                (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
