package io.github.vicregstreams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Where the trainer stands in its pair journal, saved in the trainer-state store with every
 * change, in the same transaction as the outputs it accompanies.
 *
 * <p>Journal sequence numbers: {@code [checkpointedUpTo, trainedUpTo)} were trained after the
 * last checkpoint, in batches ending at {@code batchEnds}; {@code [trainedUpTo, nextSeq)} wait for
 * a batch. After a crash, the trainer restores the checkpoint and trains those batches again, so
 * its weights match what it had when the transaction committed.
 *
 * @param nextSeq the sequence number of the next pair to arrive
 * @param trainedUpTo the first pair not yet trained
 * @param checkpointedUpTo the first pair the checkpoint has not seen
 * @param batchEnds exclusive ends of the batches trained since the checkpoint, in order
 * @param pendingSince stream time of the first untrained pair, or -1 when there is none
 * @param checkpointStep the step of the checkpoint in the store, or -1 when there is none
 * @param publishedStep the step of the last checkpoint sent to the model topic, or -1
 */
record TrainerCursor(
    long nextSeq,
    long trainedUpTo,
    long checkpointedUpTo,
    List<Long> batchEnds,
    long pendingSince,
    long checkpointStep,
    long publishedStep) {

  static final TrainerCursor EMPTY = new TrainerCursor(0, 0, 0, List.of(), -1, -1, -1);

  private static final byte VERSION = 1;

  TrainerCursor {
    batchEnds = List.copyOf(batchEnds);
  }

  long pendingCount() {
    return nextSeq - trainedUpTo;
  }

  TrainerCursor withArrival(long timestamp) {
    return new TrainerCursor(
        nextSeq + 1,
        trainedUpTo,
        checkpointedUpTo,
        batchEnds,
        pendingSince < 0 ? timestamp : pendingSince,
        checkpointStep,
        publishedStep);
  }

  /** After a batch of {@code count} pairs; {@code nextPendingSince} is -1 when none is left. */
  TrainerCursor withBatchTrained(int count, long nextPendingSince) {
    List<Long> ends = new ArrayList<>(batchEnds);
    ends.add(trainedUpTo + count);
    return new TrainerCursor(
        nextSeq,
        trainedUpTo + count,
        checkpointedUpTo,
        ends,
        nextPendingSince,
        checkpointStep,
        publishedStep);
  }

  TrainerCursor withCheckpoint(long step) {
    return new TrainerCursor(
        nextSeq, trainedUpTo, trainedUpTo, List.of(), pendingSince, step, publishedStep);
  }

  TrainerCursor withPublished(long step) {
    return new TrainerCursor(
        nextSeq, trainedUpTo, checkpointedUpTo, batchEnds, pendingSince, checkpointStep, step);
  }

  byte[] encode() {
    ByteBuffer out =
        RecordCodec.allocate(1 + 6 * Long.BYTES + Integer.BYTES + batchEnds.size() * Long.BYTES);
    out.put(VERSION)
        .putLong(nextSeq)
        .putLong(trainedUpTo)
        .putLong(checkpointedUpTo)
        .putLong(pendingSince)
        .putLong(checkpointStep)
        .putLong(publishedStep)
        .putInt(batchEnds.size());
    batchEnds.forEach(out::putLong);
    return out.array();
  }

  static TrainerCursor decode(byte[] bytes) {
    ByteBuffer in = RecordCodec.wrap(bytes, "trainer cursor", VERSION);
    try {
      long nextSeq = in.getLong();
      long trainedUpTo = in.getLong();
      long checkpointedUpTo = in.getLong();
      long pendingSince = in.getLong();
      long checkpointStep = in.getLong();
      long publishedStep = in.getLong();
      int count = in.getInt();
      List<Long> ends = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ends.add(in.getLong());
      }
      return new TrainerCursor(
          nextSeq, trainedUpTo, checkpointedUpTo, ends, pendingSince, checkpointStep, publishedStep);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException("Corrupt trainer cursor record", e);
    }
  }
}
