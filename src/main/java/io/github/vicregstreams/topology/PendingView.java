package io.github.vicregstreams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A view waiting for its partner in the pairing store. It keeps the original record rather than the
 * parsed event: the bytes are needed anyway should it become an orphan, and parsing them again when
 * the partner comes is cheap.
 *
 * @param view 0 or 1
 * @param timestamp the record timestamp
 * @param source the original record
 */
record PendingView(int view, long timestamp, SourceRecord source) {

    private static final byte VERSION = 1;

    byte[] encode() {
        byte[] sourceBytes = source.encode();
        ByteBuffer out =
                RecordCodec.allocate(1 + 1 + Long.BYTES + RecordCodec.bytesSize(sourceBytes));
        out.put(VERSION).put((byte) view).putLong(timestamp);
        RecordCodec.putBytes(out, sourceBytes);
        return out.array();
    }

    static PendingView decode(byte[] bytes) {
        ByteBuffer in = RecordCodec.wrap(bytes, "pending view", VERSION);
        try {
            int view = in.get();
            long timestamp = in.getLong();
            return new PendingView(view, timestamp, SourceRecord.decode(RecordCodec.getBytes(in)));
        } catch (BufferUnderflowException e) {
            throw new SerializationException("Corrupt pending view record", e);
        }
    }
}
