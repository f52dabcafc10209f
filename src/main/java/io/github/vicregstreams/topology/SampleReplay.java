package io.github.vicregstreams.topology;

import java.util.List;

/**
 * Reads committed sample records back from one partition of the samples topic, for inference after
 * a restart: the samples topic itself holds the samples that waited in a batch, so the {@code
 * inference-buffer} store keeps only where that batch starts ({@link BatchStart}).
 */
interface SampleReplay extends AutoCloseable {

    /** A record as it lies on the samples topic. */
    record SampleRecord(long offset, long timestamp, byte[] key, byte[] value) {}

    /**
     * The application's committed position on the partition: the offset of the first record the
     * task has not yet been handed, or -1 when the application has committed none.
     *
     * @return the committed position
     */
    long committedPosition();

    /**
     * The offset of the oldest record the partition still holds (retention deletes older ones).
     *
     * @return the log start offset
     */
    long startOffset();

    /**
     * The committed records with offsets in {@code [from, to)}, in order.
     *
     * @param from the first offset
     * @param to the end offset, exclusive
     * @return the records
     */
    List<SampleRecord> read(long from, long to);

    @Override
    void close();
}
