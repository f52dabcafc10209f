package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.Metadata;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The two views of one sample, paired: what the trainer consumes.
 *
 * @param id the sample id
 * @param timestamp the later of the two views' timestamps
 * @param metadata the metadata of view 0, or of view 1 when view 0 has none; null when neither has
 * @param view0 features of view 0
 * @param view1 features of view 1
 */
record TrainingPair(String id, long timestamp, Metadata metadata, float[] view0, float[] view1) {

    private static final byte VERSION = 1;

    TrainingPair {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(view0, "view0 must not be null");
        Objects.requireNonNull(view1, "view1 must not be null");
    }

    byte[] encode() {
        String metadataJson = metadata == null ? null : metadata.json();
        int size =
                1
                        + RecordCodec.stringSize(id)
                        + Long.BYTES
                        + RecordCodec.stringSize(metadataJson)
                        + RecordCodec.floatsSize(view0)
                        + RecordCodec.floatsSize(view1);
        ByteBuffer out = RecordCodec.allocate(size);
        out.put(VERSION);
        RecordCodec.putString(out, id);
        out.putLong(timestamp);
        RecordCodec.putString(out, metadataJson);
        RecordCodec.putFloats(out, view0);
        RecordCodec.putFloats(out, view1);
        return out.array();
    }

    static TrainingPair decode(byte[] bytes) {
        ByteBuffer in = RecordCodec.wrap(bytes, "training pair", VERSION);
        try {
            String id = RecordCodec.getString(in);
            long timestamp = in.getLong();
            String metadataJson = RecordCodec.getString(in);
            float[] view0 = RecordCodec.getFloats(in);
            float[] view1 = RecordCodec.getFloats(in);
            return new TrainingPair(
                    id,
                    timestamp,
                    metadataJson == null ? null : Metadata.of(metadataJson),
                    view0,
                    view1);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new SerializationException("Corrupt training pair record", e);
        }
    }

    static Serde<TrainingPair> serde() {
        Serializer<TrainingPair> serializer = (topic, pair) -> pair == null ? null : pair.encode();
        Deserializer<TrainingPair> deserializer =
                (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
