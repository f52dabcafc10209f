package io.github.vicregstreams.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's bookkeeping of the topic it reads, its journal (the pairs topic, or the pair-events
 * topic with {@code train.source=pair-events}): the {@link TrainerCursor} saved in the
 * trainer-state store (which offsets the checkpoint covers, which batches were trained since), the
 * pairs delivered and not yet trained, and the replay of the topic after a restart.
 *
 * <p>One journal per initialisation of the processor: Kafka Streams may initialise a processor
 * again after closing it (a revived task), and what waited in memory then is read back from the
 * topic like after any restart.
 */
final class TrainerJournal {

    private static final Logger log = LoggerFactory.getLogger(TrainerJournal.class);

    static final String CURSOR_KEY = "cursor";

    /** The name of the topic whose offsets the cursor counts; absent in older stores. */
    static final String TOPIC_KEY = "journal-topic";

    /**
     * That topic's ID (KIP-516), as text; absent in older stores and where the ID was unknown when
     * the trainer started counting its offsets.
     */
    static final String TOPIC_ID_KEY = "journal-topic-id";

    /** The partition of the journal topic the trainer reads: its one task reads the only one. */
    static final int JOURNAL_PARTITION = 0;

    private final KeyValueStore<String, byte[]> state;
    private final String topic;
    private final Uuid topicId;
    private final int inputDim;
    private final boolean savedByAnOlderRelease;
    private TrainerCursor cursor;

    /** Pairs delivered and not yet trained, in offset order, with their offsets. */
    private final ArrayDeque<PairsTopicReader.OffsetPair> waiting = new ArrayDeque<>();

    /**
     * Offsets below this were delivered already (read back on restart): delivered again, skipped.
     */
    private long deliveredUpTo = -1;

    /**
     * A batch: its pairs, their offsets on the journal topic (partition {@value
     * #JOURNAL_PARTITION}), and its time (its latest pair's).
     */
    record Batch(List<TrainingPair> pairs, long[] offsets, long time) {

        Batch {
            if (offsets.length != pairs.size()) {
                throw new IllegalArgumentException(
                        "a batch needs an offset per pair. Got: "
                                + pairs.size()
                                + " pairs and "
                                + offsets.length
                                + " offsets");
            }
        }

        /** The offset of its last pair, or -1 for an empty batch. */
        long lastOffset() {
            return offsets.length == 0 ? -1 : offsets[offsets.length - 1];
        }
    }

    /**
     * Reads the cursor saved in the trainer-state store, if any. Its offsets are forgotten, with a
     * warning or an error, when they were counted on another topic than the one the trainer reads
     * now: another name ({@code train.source} changed), or the same name with another topic ID.
     *
     * @param state the trainer-state store
     * @param topic the topic the trainer reads now
     * @param topicId that topic's ID, or {@link Uuid#ZERO_UUID} when unknown (nothing is checked)
     * @param pairsTopic the pairs topic: the one a store that names no topic counted offsets of
     * @param inputDim the model's input dimension: pairs of another width are not trained
     */
    TrainerJournal(
            KeyValueStore<String, byte[]> state,
            String topic,
            Uuid topicId,
            String pairsTopic,
            int inputDim) {
        this.state = state;
        this.topic = topic;
        this.topicId = topicId;
        this.inputDim = inputDim;
        byte[] saved = state.get(CURSOR_KEY);
        TrainerCursor stored = saved == null ? TrainerCursor.EMPTY : TrainerCursor.decode(saved);
        this.savedByAnOlderRelease = TrainerCursor.keptPairCopies(saved);
        byte[] savedTopic = state.get(TOPIC_KEY);
        String storedTopic =
                savedTopic == null ? pairsTopic : new String(savedTopic, StandardCharsets.UTF_8);
        byte[] savedTopicId = state.get(TOPIC_ID_KEY);
        String storedTopicId =
                savedTopicId == null ? null : new String(savedTopicId, StandardCharsets.UTF_8);
        if (stored.knowsOffsets() && !storedTopic.equals(topic)) {
            // Offsets of one topic mean nothing on another (train.source changed between runs):
            // the new topic's journal starts with the next pair; the checkpoint stays. The old
            // topic's pairs after the checkpoint's offset are not trained by this trainer.
            log.warn(
                    "The trainer's journal counted offsets of topic [{}], but it now reads [{}]:"
                            + " the [{}] batches trained after its checkpoint (step [{}]) are not"
                            + " replayed, and the pairs of [{}] from offset [{}] that waited for a"
                            + " batch are not trained; training continues from the checkpoint with"
                            + " the next pair of [{}]",
                    storedTopic,
                    topic,
                    stored.batches().size(),
                    stored.checkpointStep(),
                    storedTopic,
                    stored.trainedUpTo(),
                    topic);
            stored = stored.forgettingOffsets();
        } else if (stored.knowsOffsets()
                && known(topicId)
                && storedTopicId != null
                && !storedTopicId.equals(topicId.toString())) {
            // Same name, another topic: deleted and created again, or another cluster under a
            // state directory (or changelog) of the earlier one. Kafka Streams trusts such local
            // state; the old offsets would make the trainer skip the new topic's first pairs as
            // delivered already, silently.
            log.error(
                    "The trainer's journal counted offsets of topic [{}] with topic ID [{}], but [{}]"
                            + " now has topic ID [{}]: the topic was deleted and created again, or"
                            + " this is another cluster and the trainer state is from the earlier one"
                            + " (a state.dir left from it). Its offsets mean nothing on this topic:"
                            + " the [{}] batches trained after the checkpoint (step [{}]) are not"
                            + " replayed, and training continues from the checkpoint with the pairs"
                            + " of this topic from the application's committed position. For a new"
                            + " model on a new cluster, give the learner an empty state.dir",
                    topic,
                    storedTopicId,
                    topic,
                    topicId,
                    stored.batches().size(),
                    stored.checkpointStep());
            stored = stored.forgettingOffsets();
        } else if (stored.knowsOffsets()) {
            // A store from before these keys existed, or one that counted offsets while the ID
            // was unknown: record what it lacks, so that a later change of topic is seen.
            if (savedTopic == null) {
                state.put(TOPIC_KEY, topic.getBytes(StandardCharsets.UTF_8));
            }
            if (storedTopicId == null && known(topicId)) {
                putTopicId();
            }
        }
        this.cursor = stored;
    }

    private static boolean known(Uuid topicId) {
        return !Uuid.ZERO_UUID.equals(topicId);
    }

    private void putTopicId() {
        state.put(TOPIC_ID_KEY, topicId.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the pairs since the checkpoint back from the journal topic, trains again the batches
     * the cursor lists (with {@code step}, which publishes nothing), and takes the rest, up to the
     * committed position, as waiting. Pairs that retention has deleted cannot be trained again: the
     * batches from the first incomplete one on are skipped with an error, and training goes on.
     *
     * @param readers opens a reader of the journal topic, when there is something to replay
     * @param step trains one batch again
     * @param trainerStep the trainer's step, for the log
     * @return false when batches were skipped: the weights no longer match the cursor's batches,
     *     and the caller checkpoints them at once
     */
    boolean replay(
            Supplier<PairsTopicReader> readers,
            Function<List<TrainingPair>, ?> step,
            LongSupplier trainerStep) {
        if (savedByAnOlderRelease) {
            log.warn(
                    "The trainer state was written by a release that kept a journal of pair copies: the"
                            + " batches trained after its checkpoint (step [{}]) are not replayed; training"
                            + " continues from the checkpoint with the next pair",
                    cursor.checkpointStep());
        }
        if (!cursor.knowsOffsets()) {
            return true;
        }
        try (PairsTopicReader reader = readers.get()) {
            return replay(reader, step, trainerStep);
        }
    }

    private boolean replay(
            PairsTopicReader reader,
            Function<List<TrainingPair>, ?> step,
            LongSupplier trainerStep) {
        long from = cursor.checkpointedUpTo();
        long committed = Math.max(reader.committedPosition(), cursor.trainedUpTo());
        long start = reader.startOffset();
        if (start > from) {
            log.error(
                    "Topic [{}] no longer holds the pairs after the checkpoint (retention deleted"
                            + " offsets [{}, {})): the batches trained from them after step [{}] are lost",
                    topic,
                    from,
                    start,
                    trainerStep.getAsLong());
        }
        ArrayDeque<PairsTopicReader.OffsetPair> read = new ArrayDeque<>();
        for (PairsTopicReader.OffsetPair pair : reader.read(Math.max(from, start), committed)) {
            if (pair.pair().hasWidth(inputDim)) { // as deliver() took them
                read.add(pair);
            }
        }
        int replayed = 0;
        boolean complete = true;
        for (TrainerCursor.Batch batch : cursor.batches()) {
            List<TrainingPair> pairs = new ArrayList<>(batch.size());
            while (!read.isEmpty() && read.peekFirst().offset() < batch.end()) {
                pairs.add(read.removeFirst().pair());
            }
            if (pairs.size() != batch.size()) {
                log.error(
                        "Topic [{}] misses pairs of a trained batch: expected [{}] before offset [{}],"
                                + " found [{}]; training goes on from step [{}] without replaying the rest",
                        topic,
                        batch.size(),
                        batch.end(),
                        pairs.size(),
                        trainerStep.getAsLong());
                read.removeIf(p -> p.offset() < cursor.trainedUpTo());
                complete = false;
                break;
            }
            step.apply(pairs);
            replayed++;
        }
        waiting.addAll(read);
        deliveredUpTo = committed;
        if (replayed > 0 || !waiting.isEmpty()) {
            log.info(
                    "Replayed topic [{}] from offset [{}]: batches=[{}] step=[{}] waiting=[{}]",
                    topic,
                    from,
                    replayed,
                    trainerStep.getAsLong(),
                    waiting.size());
        }
        return complete;
    }

    /** What {@link #deliver} did with a pair. */
    enum Delivery {
        /** Taken: it waits for a batch. */
        TAKEN,
        /** Read back from the topic at start-up, and waiting already; or passed over then. */
        SEEN,
        /**
         * Passed over: its views are not as wide as the model's input (written by a learner of
         * another {@code model.input.dim} under the same topic), so no step can train it. The
         * replay leaves it out the same way.
         */
        OF_ANOTHER_WIDTH
    }

    /**
     * Takes a pair the stream delivered, unless it saw it already or cannot train it.
     *
     * @return what it did
     */
    Delivery deliver(long offset, TrainingPair pair) {
        if (offset < deliveredUpTo) {
            return Delivery.SEEN;
        }
        deliveredUpTo = offset + 1;
        if (!pair.hasWidth(inputDim)) {
            return Delivery.OF_ANOTHER_WIDTH;
        }
        if (!cursor.knowsOffsets()) {
            // The first pair of a new trainer: from here on the topic is its journal.
            cursor = cursor.startingAt(offset);
            state.put(TOPIC_KEY, topic.getBytes(StandardCharsets.UTF_8));
            if (known(topicId)) {
                putTopicId();
            } else {
                state.delete(TOPIC_ID_KEY); // an earlier topic's, should one be stored
            }
            save();
        }
        waiting.addLast(new PairsTopicReader.OffsetPair(offset, pair));
        return Delivery.TAKEN;
    }

    /** How many pairs wait for a batch. */
    int waiting() {
        return waiting.size();
    }

    /** The timestamp of the oldest waiting pair; there must be one. */
    long firstWaitingTimestamp() {
        return waiting.peekFirst().pair().timestamp();
    }

    /** Removes the next {@code count} waiting pairs, for a batch. */
    Batch take(int count) {
        List<TrainingPair> pairs = new ArrayList<>(count);
        long[] offsets = new long[count];
        long time = 0;
        for (int i = 0; i < count; i++) {
            PairsTopicReader.OffsetPair next = waiting.removeFirst();
            pairs.add(next.pair());
            offsets[i] = next.offset();
            time = Math.max(time, next.pair().timestamp());
        }
        return new Batch(pairs, offsets, time);
    }

    /** A batch was trained (its outputs go in this transaction, with the cursor). */
    void trained(Batch batch) {
        cursor = cursor.withBatchTrained(batch.lastOffset(), batch.pairs().size());
    }

    /** Whether steps were trained since the checkpoint. */
    boolean hasUnsavedSteps() {
        return !cursor.batches().isEmpty();
    }

    /** The checkpoint now covers every pair trained, up to {@code step}. */
    void checkpointed(long step) {
        cursor = cursor.withCheckpoint(step);
    }

    /** The step of the checkpoint in the store. */
    long checkpointStep() {
        return cursor.checkpointStep();
    }

    /** Whether the stored checkpoint is newer than the model topic's, as after a close. */
    boolean isPublishingBehind() {
        return cursor.checkpointStep() > cursor.publishedStep();
    }

    /** The checkpoint of {@code step} is on the model topic. */
    void published(long step) {
        cursor = cursor.withPublished(step);
    }

    /** Saves the cursor to the trainer-state store, in the current transaction. */
    void save() {
        state.put(CURSOR_KEY, cursor.encode());
    }
}
