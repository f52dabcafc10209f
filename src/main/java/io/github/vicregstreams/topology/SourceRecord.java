package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.Reason;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * An input record as it arrived: coordinates and original bytes, so that it can become a dead
 * letter at any later point without losing anything.
 *
 * @param topic the source topic, or null when unknown
 * @param partition the source partition, or -1
 * @param offset the source offset, or -1
 * @param timestamp the record timestamp
 * @param key the original key bytes, or null
 * @param value the original value bytes, or null
 */
record SourceRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

    private static final byte VERSION = 1;

    static SourceRecord of(ProcessorContext<?, ?> context, Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        return new SourceRecord(
                metadata == null ? null : metadata.topic(),
                metadata == null ? DeadLetter.UNKNOWN : metadata.partition(),
                metadata == null ? DeadLetter.UNKNOWN : metadata.offset(),
                record.timestamp(),
                record.key(),
                record.value());
    }

    DeadLetter deadLetter(Reason reason, String detail) {
        return DeadLetter.of(reason, detail, topic, partition, offset, timestamp, key, value);
    }

    byte[] encode() {
        ByteBuffer out =
                RecordCodec.allocate(
                        1
                                + RecordCodec.stringSize(topic)
                                + Integer.BYTES
                                + 2 * Long.BYTES
                                + RecordCodec.bytesSize(key)
                                + RecordCodec.bytesSize(value));
        out.put(VERSION);
        RecordCodec.putString(out, topic);
        out.putInt(partition).putLong(offset).putLong(timestamp);
        RecordCodec.putBytes(out, key);
        RecordCodec.putBytes(out, value);
        return out.array();
    }

    static SourceRecord decode(byte[] bytes) {
        ByteBuffer in = RecordCodec.wrap(bytes, "source record", VERSION);
        try {
            String topic = RecordCodec.getString(in);
            int partition = in.getInt();
            long offset = in.getLong();
            long timestamp = in.getLong();
            return new SourceRecord(
                    topic,
                    partition,
                    offset,
                    timestamp,
                    RecordCodec.getBytes(in),
                    RecordCodec.getBytes(in));
        } catch (BufferUnderflowException e) {
            throw new SerializationException("Corrupt source record", e);
        }
    }
}
