package io.github.vicregstreams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Where the batch of samples waiting for a forward pass starts on the samples topic: the one record
 * the {@code inference-buffer} store holds while a batch fills (under {@link #KEY}), written in the
 * transaction of the batch's first offset and deleted in the transaction that publishes its
 * embeddings. After a crash or a move, the samples from {@code offset} up to the committed position
 * are read back from the topic ({@link SampleReplay}) and embedded: the topic holds them already,
 * so the store need not copy them (3.2 KB written and a tombstone per 784-dim sample before).
 *
 * <p>Its version byte, 2, follows {@link PendingSample}'s 1: a store written by the release before,
 * which held a copy of each waiting sample under its sequence number, is still read.
 *
 * @param topic the samples topic
 * @param partition its partition: the task's
 * @param offset the offset of the batch's first sample
 * @param timestamp that sample's record timestamp, for a replayed record without a valid one
 */
record BatchStart(String topic, int partition, long offset, long timestamp) {

    /** The store key of the batch start; a waiting sample of the release before has a key >= 0. */
    static final long KEY = -1L;

    /** The version byte of a batch start. */
    static final byte VERSION = 2;

    BatchStart {
        Objects.requireNonNull(topic, "topic must not be null");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "partition and offset must be non-negative. Got: partition "
                            + partition
                            + ", offset "
                            + offset);
        }
    }

    byte[] encode() {
        ByteBuffer out =
                RecordCodec.allocate(
                        1 + RecordCodec.stringSize(topic) + Integer.BYTES + 2 * Long.BYTES);
        out.put(VERSION);
        RecordCodec.putString(out, topic);
        out.putInt(partition).putLong(offset).putLong(timestamp);
        return out.array();
    }

    /**
     * Reads a batch start.
     *
     * @throws SerializationException if the bytes are not one, with what is wrong
     */
    static BatchStart decode(byte[] bytes) {
        ByteBuffer in = RecordCodec.wrap(bytes, "inference batch start", VERSION);
        try {
            BatchStart start =
                    new BatchStart(
                            RecordCodec.getString(in), in.getInt(), in.getLong(), in.getLong());
            if (in.hasRemaining()) {
                throw new SerializationException(
                        "Corrupt inference batch start record: "
                                + in.remaining()
                                + " bytes after its end");
            }
            return start;
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new SerializationException("Corrupt inference batch start record", e);
        }
    }
}
