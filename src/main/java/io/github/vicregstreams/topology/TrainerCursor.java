package io.github.vicregstreams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Where the trainer stands on its journal topic (the pairs topic, or the pair-events topic with
 * {@code train.source=pair-events}), saved in the trainer-state store whenever it changes (a batch
 * trained, a checkpoint saved or published, the first pair seen), in the same transaction as the
 * outputs and the consumer offsets it accompanies.
 *
 * <p>Offsets of the journal topic: the checkpoint holds every pair before {@code checkpointedUpTo};
 * the pairs from there were trained in the batches listed in {@code batches}, in order, each ending
 * (exclusively) at an offset and holding a number of pairs (offsets of a transactional topic have
 * gaps: commit markers). The pairs from {@link #trainedUpTo()} to the application's committed
 * position wait for a batch. After a crash, the trainer restores the checkpoint, reads those pairs
 * back from that topic and trains the batches again, so its weights match what it had when the
 * transaction committed.
 *
 * @param checkpointedUpTo the offset of the first pair the checkpoint has not seen, or {@link
 *     #UNKNOWN} before the first pair (the first pair delivered sets it)
 * @param batches the batches trained since the checkpoint, in order
 * @param checkpointStep the step of the checkpoint in the store, or -1 when there is none
 * @param publishedStep the step of the last checkpoint sent to the model topic, or -1
 */
record TrainerCursor(
        long checkpointedUpTo, List<Batch> batches, long checkpointStep, long publishedStep) {

    /** A trained batch: its end offset (exclusive) and its number of pairs. */
    record Batch(long end, int size) {}

    /** {@code checkpointedUpTo} before the trainer has seen a pair. */
    static final long UNKNOWN = -1;

    static final TrainerCursor EMPTY = new TrainerCursor(UNKNOWN, List.of(), -1, -1);

    /** Version 1 counted pairs in a journal store of copies; version 2 counts topic offsets. */
    private static final byte JOURNAL_VERSION = 1;

    private static final byte VERSION = 2;

    TrainerCursor {
        batches = List.copyOf(batches);
    }

    /** Whether the cursor knows its offsets; it does once the first pair has been delivered. */
    boolean knowsOffsets() {
        return checkpointedUpTo != UNKNOWN;
    }

    /** The offset of the first pair not yet trained. */
    long trainedUpTo() {
        return batches.isEmpty() ? checkpointedUpTo : batches.get(batches.size() - 1).end();
    }

    /** The first pair delivered sets the offsets: nothing before it is the trainer's. */
    TrainerCursor startingAt(long offset) {
        return new TrainerCursor(offset, List.of(), checkpointStep, publishedStep);
    }

    /**
     * The cursor of a journal on another topic: the checkpoint steps stay, the offsets and the
     * batches trained after the checkpoint go (the next pair delivered sets the offsets again).
     */
    TrainerCursor forgettingOffsets() {
        return new TrainerCursor(UNKNOWN, List.of(), checkpointStep, publishedStep);
    }

    /** After a batch of {@code size} pairs, the last at {@code lastOffset}. */
    TrainerCursor withBatchTrained(long lastOffset, int size) {
        List<Batch> trained = new ArrayList<>(batches);
        trained.add(new Batch(lastOffset + 1, size));
        return new TrainerCursor(checkpointedUpTo, trained, checkpointStep, publishedStep);
    }

    TrainerCursor withCheckpoint(long step) {
        return new TrainerCursor(trainedUpTo(), List.of(), step, publishedStep);
    }

    TrainerCursor withPublished(long step) {
        return new TrainerCursor(checkpointedUpTo, batches, checkpointStep, step);
    }

    byte[] encode() {
        ByteBuffer out =
                RecordCodec.allocate(
                        1
                                + 3 * Long.BYTES
                                + Integer.BYTES
                                + batches.size() * (Long.BYTES + Integer.BYTES));
        out.put(VERSION)
                .putLong(checkpointedUpTo)
                .putLong(checkpointStep)
                .putLong(publishedStep)
                .putInt(batches.size());
        batches.forEach(b -> out.putLong(b.end()).putInt(b.size()));
        return out.array();
    }

    /**
     * Whether a stored cursor was written by the release that kept copies of the pairs (version 1),
     * whose position cannot be replayed; false for none stored.
     */
    static boolean keptPairCopies(byte[] bytes) {
        return bytes != null && bytes.length > 0 && bytes[0] == JOURNAL_VERSION;
    }

    /**
     * Decodes a cursor. One written by a release that kept copies of the pairs in a journal store
     * (version 1) keeps its checkpoint steps but not its position: its sequence numbers are not
     * offsets, so the batches trained after its checkpoint cannot be replayed ({@link
     * #knowsOffsets()} is false, and the trainer logs what it lost).
     *
     * @param bytes the stored cursor
     * @return the cursor
     * @throws SerializationException for a corrupt or unknown record
     */
    static TrainerCursor decode(byte[] bytes) {
        if (keptPairCopies(bytes)) {
            return decodeJournalVersion(bytes);
        }
        ByteBuffer in = RecordCodec.wrap(bytes, "trainer cursor", VERSION);
        try {
            long checkpointedUpTo = in.getLong();
            long checkpointStep = in.getLong();
            long publishedStep = in.getLong();
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / (Long.BYTES + Integer.BYTES)) {
                throw new SerializationException(
                        "Corrupt trainer cursor record: " + count + " batches");
            }
            List<Batch> batches = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batches.add(new Batch(in.getLong(), in.getInt()));
            }
            return new TrainerCursor(checkpointedUpTo, batches, checkpointStep, publishedStep);
        } catch (BufferUnderflowException e) {
            throw new SerializationException("Corrupt trainer cursor record", e);
        }
    }

    /** The steps of a version-1 cursor (the fifth and sixth of its longs), without its position. */
    private static TrainerCursor decodeJournalVersion(byte[] bytes) {
        ByteBuffer in = RecordCodec.wrap(bytes, "trainer cursor", JOURNAL_VERSION);
        try {
            in.position(in.position() + 4 * Long.BYTES);
            long checkpointStep = in.getLong();
            long publishedStep = in.getLong();
            return new TrainerCursor(UNKNOWN, List.of(), checkpointStep, publishedStep);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("Corrupt trainer cursor record", e);
        }
    }
}
