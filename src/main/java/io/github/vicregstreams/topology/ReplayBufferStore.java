package io.github.vicregstreams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay buffer in the trainer-state store, as it was at the stored checkpoint's step: written
 * with every checkpoint, in its transaction (the slots changed since the last one, and a summary),
 * so that a restart restores the buffer of the checkpoint it restores, and the journal's batches,
 * trained again, add and draw exactly what they did.
 *
 * <p>Keys: {@value #SUMMARY_KEY} (capacity, eviction, size, counters and the step it was saved at),
 * {@value #SLOT_PREFIX}{@code <slot>} (the pair) and, for min-redundancy, {@value
 * #REPRESENTATION_PREFIX}{@code <slot>} (its representation, refreshed at each replay: apart, so
 * that a refresh does not write the pair again). A summary of another step than the checkpoint's
 * (saved by a run with replay on, then a run with replay off checkpointed on) is stale: the buffer
 * starts empty.
 */
final class ReplayBufferStore {

    private static final Logger log = LoggerFactory.getLogger(ReplayBufferStore.class);

    static final String SUMMARY_KEY = "replay-buffer";
    static final String SLOT_PREFIX = "replay-slot/";
    static final String REPRESENTATION_PREFIX = "replay-representation/";

    private static final byte VERSION = 1;

    private final KeyValueStore<String, byte[]> state;

    /** Slots the store holds: those past the buffer's size are deleted at the next save. */
    private int storedSlots;

    /** The summary as stored. */
    record Summary(
            int capacity, ReplayEviction eviction, int size, long seen, int next, long step) {}

    ReplayBufferStore(KeyValueStore<String, byte[]> state) {
        this.state = state;
    }

    /**
     * The buffer saved with the checkpoint of {@code step}; empty when none was, or when its
     * capacity or eviction changed so that its pairs cannot be kept (what is lost is logged).
     *
     * @param settings the replay settings now
     * @param step the restored checkpoint's step
     * @return the buffer; null when replay is off (a stored buffer is deleted then)
     */
    ReplayBuffer load(ReplaySettings settings, long step) {
        Summary summary = summary();
        storedSlots = summary == null ? 0 : summary.size();
        if (!settings.enabled()) {
            if (summary != null) {
                log.info("Replay is off: deleting the replay buffer of [{}] pairs", summary.size());
                deleteSlots(0);
                state.delete(SUMMARY_KEY);
            }
            return null;
        }
        ReplayBuffer buffer = new ReplayBuffer(settings.capacity(), settings.eviction());
        if (summary == null) {
            return buffer;
        }
        if (summary.step() != step) {
            log.warn(
                    "The replay buffer in the trainer state was saved at step [{}], the checkpoint is of"
                            + " step [{}]: starting with an empty buffer",
                    summary.step(),
                    step);
            return buffer;
        }
        if (settings.eviction() == ReplayEviction.MIN_REDUNDANCY
                && summary.eviction() != ReplayEviction.MIN_REDUNDANCY) {
            log.warn(
                    "The replay buffer was saved with eviction [{}], without representations;"
                            + " min-redundancy needs them: starting with an empty buffer",
                    summary.eviction());
            return buffer;
        }
        int kept = Math.min(summary.size(), settings.capacity());
        if (summary.capacity() != settings.capacity()
                || summary.eviction() != settings.eviction()) {
            log.warn(
                    "The replay buffer was saved with capacity [{}] and eviction [{}], now [{}] and"
                            + " [{}]: keeping its first [{}] of [{}] pairs",
                    summary.capacity(),
                    summary.eviction(),
                    settings.capacity(),
                    settings.eviction(),
                    kept,
                    summary.size());
        }
        for (int slot = 0; slot < kept; slot++) {
            restoreSlot(buffer, slot);
        }
        buffer.restoreCounters(summary.seen(), kept < summary.size() ? 0 : summary.next());
        log.info("Restored the replay buffer: pairs=[{}] step=[{}]", kept, step);
        return buffer;
    }

    /**
     * Writes the slots changed since the last save, deletes those past the buffer's size, and the
     * summary, in the current transaction.
     *
     * @return the bytes written
     */
    long save(ReplayBuffer buffer, long step) {
        long bytes = 0;
        BitSet changed = buffer.changed();
        for (int slot = changed.nextSetBit(0); slot >= 0; slot = changed.nextSetBit(slot + 1)) {
            byte[] value = encodeSlot(buffer.pair(slot));
            state.put(slotKey(slot), value);
            bytes += value.length + saveRepresentation(buffer, slot);
        }
        BitSet refreshed = buffer.refreshed();
        for (int slot = refreshed.nextSetBit(0); slot >= 0; slot = refreshed.nextSetBit(slot + 1)) {
            bytes += saveRepresentation(buffer, slot);
        }
        deleteSlots(buffer.size());
        storedSlots = buffer.size();
        byte[] summary =
                encodeSummary(
                        new Summary(
                                buffer.capacity(),
                                buffer.eviction(),
                                buffer.size(),
                                buffer.seen(),
                                buffer.next(),
                                step));
        state.put(SUMMARY_KEY, summary);
        buffer.markSaved();
        return bytes + summary.length;
    }

    /** Writes a min-redundancy slot's representation; returns the bytes written. */
    private long saveRepresentation(ReplayBuffer buffer, int slot) {
        float[] representation = buffer.representation(slot);
        if (representation == null) {
            return 0;
        }
        ByteBuffer out =
                RecordCodec.allocate(1 + RecordCodec.floatsSize(representation)).put(VERSION);
        RecordCodec.putFloats(out, representation);
        state.put(representationKey(slot), out.array());
        return out.capacity();
    }

    private void deleteSlots(int from) {
        for (int slot = from; slot < storedSlots; slot++) {
            state.delete(slotKey(slot));
            state.delete(representationKey(slot));
        }
    }

    private void restoreSlot(ReplayBuffer buffer, int slot) {
        byte[] value = state.get(slotKey(slot));
        if (value == null) {
            throw new SerializationException(
                    "The trainer-state store misses replay buffer slot " + slot);
        }
        ByteBuffer in = RecordCodec.wrap(value, "replay buffer slot", VERSION);
        try {
            TrainingPair pair = TrainingPair.decode(RecordCodec.getBytes(in));
            float[] representation = null;
            if (buffer.eviction() == ReplayEviction.MIN_REDUNDANCY) {
                byte[] stored = state.get(representationKey(slot));
                if (stored == null) {
                    throw new SerializationException(
                            "The trainer-state store misses the representation of replay buffer"
                                    + " slot "
                                    + slot);
                }
                representation =
                        RecordCodec.getFloats(
                                RecordCodec.wrap(stored, "replay buffer representation", VERSION));
            }
            buffer.restore(slot, pair, representation);
        } catch (BufferUnderflowException | NullPointerException e) {
            throw new SerializationException("Corrupt replay buffer slot " + slot, e);
        }
    }

    static String slotKey(int slot) {
        return SLOT_PREFIX + String.format(Locale.ROOT, "%010d", slot);
    }

    static String representationKey(int slot) {
        return REPRESENTATION_PREFIX + String.format(Locale.ROOT, "%010d", slot);
    }

    private static byte[] encodeSlot(TrainingPair pair) {
        byte[] encoded = pair.encode();
        ByteBuffer out = RecordCodec.allocate(1 + RecordCodec.bytesSize(encoded)).put(VERSION);
        RecordCodec.putBytes(out, encoded);
        return out.array();
    }

    private Summary summary() {
        byte[] bytes = state.get(SUMMARY_KEY);
        if (bytes == null) {
            return null;
        }
        ByteBuffer in = RecordCodec.wrap(bytes, "replay buffer summary", VERSION);
        try {
            int capacity = in.getInt();
            int eviction = in.get();
            int size = in.getInt();
            long seen = in.getLong();
            int next = in.getInt();
            long step = in.getLong();
            if (eviction < 0 || eviction >= ReplayEviction.values().length || size < 0) {
                throw new SerializationException("Corrupt replay buffer summary");
            }
            return new Summary(capacity, ReplayEviction.values()[eviction], size, seen, next, step);
        } catch (BufferUnderflowException e) {
            throw new SerializationException("Corrupt replay buffer summary", e);
        }
    }

    private static byte[] encodeSummary(Summary s) {
        ByteBuffer out =
                RecordCodec.allocate(
                        1 + Integer.BYTES + 1 + Integer.BYTES + Long.BYTES * 2 + Integer.BYTES);
        out.put(VERSION)
                .putInt(s.capacity())
                .put((byte) s.eviction().ordinal())
                .putInt(s.size())
                .putLong(s.seen())
                .putInt(s.next())
                .putLong(s.step());
        return out.array();
    }
}
