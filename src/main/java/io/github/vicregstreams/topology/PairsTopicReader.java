package io.github.vicregstreams.topology;

import java.util.List;

/**
 * Reads committed pairs back from the trainer's journal topic, for its replay after a restart: the
 * pairs topic ({@link KafkaPairsTopicReader}), or the pair-events topic with {@code
 * train.source=pair-events} ({@link KafkaPairEventsReader}). Only committed records are read
 * (read_committed), in offset order, so the pairs come back exactly as the trainer's stream thread
 * received them.
 */
interface PairsTopicReader extends AutoCloseable {

    /** A pair with its offset on the journal topic. */
    record OffsetPair(long offset, TrainingPair pair) {}

    /**
     * The application's committed position on the journal topic: the offset of the first pair the
     * trainer has not yet been handed, or -1 when the application has committed none.
     *
     * @return the committed position
     */
    long committedPosition();

    /**
     * The offset of the oldest record the topic still holds (retention deletes older ones).
     *
     * @return the log start offset
     */
    long startOffset();

    /**
     * The committed pairs with offsets in {@code [from, to)}, in order.
     *
     * @param from the first offset
     * @param to the end offset, exclusive
     * @return the pairs with their offsets
     */
    List<OffsetPair> read(long from, long to);

    @Override
    void close();
}
