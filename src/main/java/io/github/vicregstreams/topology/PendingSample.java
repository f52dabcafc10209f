package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.SampleEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A valid sample waiting in the inference buffer for its forward pass: the parsed event in binary
 * (float32 features, about a third of the JSON) and where it came from.
 *
 * @param event the sample
 * @param recordTimestamp the Kafka record timestamp, also the embedding record's
 * @param topic the source topic, or null when unknown
 * @param partition the source partition, or -1
 * @param offset the source offset, or -1
 */
record PendingSample(
        SampleEvent event, long recordTimestamp, String topic, int partition, long offset) {

    private static final byte VERSION = 1;
    private static final long NO_TIMESTAMP = -1;

    PendingSample {
        Objects.requireNonNull(event, "event must not be null");
    }

    /**
     * The sample parsed from the record being processed, with that record's timestamp and
     * coordinates.
     */
    static PendingSample of(
            SampleEvent event, ProcessorContext<?, ?> context, Record<byte[], byte[]> record) {
        SourceRecord source = SourceRecord.of(context, record);
        return new PendingSample(
                event, record.timestamp(), source.topic(), source.partition(), source.offset());
    }

    /** The features of each sample, in order: one forward pass's input. */
    static float[][] features(List<PendingSample> batch) {
        float[][] features = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            features[i] = batch.get(i).event().features();
        }
        return features;
    }

    /**
     * The sample's embedding event, for inference and the backfill alike: its id, timestamp (its
     * own, else its record's) and metadata, with the weights' step and version.
     *
     * @param embedding the encoder output, finite
     * @param modelStep the training step of the weights that computed it
     * @param modelVersion their model version, or null for none
     */
    EmbeddingEvent embedding(float[] embedding, long modelStep, Long modelVersion) {
        return new EmbeddingEvent(
                event.id(),
                embedding,
                modelStep,
                EmbeddingEvent.Source.INFERENCE,
                event.timestampOr(recordTimestamp),
                event.metadata(),
                modelVersion);
    }

    /** The sample as the input record it came from, its key its id (a valid sample's key). */
    SourceRecord asSourceRecord(Serializer<SampleEvent> serializer) {
        return new SourceRecord(
                topic,
                partition,
                offset,
                recordTimestamp,
                event.id().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(null, event));
    }

    byte[] encode() {
        String metadataJson = event.metadata() == null ? null : event.metadata().json();
        float[] features = event.features();
        int size =
                1
                        + RecordCodec.stringSize(event.id())
                        + 3 * Long.BYTES
                        + Integer.BYTES
                        + RecordCodec.stringSize(topic)
                        + RecordCodec.stringSize(metadataJson)
                        + RecordCodec.floatsSize(features);
        ByteBuffer out = RecordCodec.allocate(size);
        out.put(VERSION);
        RecordCodec.putString(out, event.id());
        out.putLong(event.timestamp() == null ? NO_TIMESTAMP : event.timestamp());
        out.putLong(recordTimestamp);
        RecordCodec.putString(out, topic);
        out.putInt(partition).putLong(offset);
        RecordCodec.putString(out, metadataJson);
        RecordCodec.putFloats(out, features);
        return out.array();
    }

    static PendingSample decode(byte[] bytes) {
        ByteBuffer in = RecordCodec.wrap(bytes, "pending sample", VERSION);
        try {
            String id = RecordCodec.getString(in);
            long eventTimestamp = in.getLong();
            long recordTimestamp = in.getLong();
            String topic = RecordCodec.getString(in);
            int partition = in.getInt();
            long offset = in.getLong();
            String metadataJson = RecordCodec.getString(in);
            float[] features = RecordCodec.getFloats(in);
            SampleEvent event =
                    new SampleEvent(
                            id,
                            features,
                            eventTimestamp == NO_TIMESTAMP ? null : eventTimestamp,
                            metadataJson == null ? null : Metadata.of(metadataJson));
            return new PendingSample(event, recordTimestamp, topic, partition, offset);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new SerializationException("Corrupt pending sample record", e);
        }
    }

    static Serde<PendingSample> serde() {
        Serializer<PendingSample> serializer = (topic, s) -> s == null ? null : s.encode();
        Deserializer<PendingSample> deserializer =
                (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
