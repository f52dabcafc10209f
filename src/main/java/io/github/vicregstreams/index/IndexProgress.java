package io.github.vicregstreams.index;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * What the index consumer has done: records read and indexed, records skipped by reason, the
 * position it has read to, the offsets of its last commit, and its failure if it stopped on one.
 * Thread-safe: the consumer writes, anyone reads.
 */
public final class IndexProgress {

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong indexed = new AtomicLong();
    private final Map<SkipReason, AtomicLong> skipped = new EnumMap<>(SkipReason.class);
    private volatile Map<TopicPartition, Long> positions = Map.of();
    private volatile Map<TopicPartition, Long> committed = Map.of();
    private volatile long commits;
    private volatile Throwable failure;

    /** Progress with nothing done yet. */
    public IndexProgress() {
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(reason, new AtomicLong());
        }
    }

    /**
     * Records read, of both topics.
     *
     * @return the count
     */
    public long records() {
        return records.get();
    }

    /**
     * Embeddings indexed (added or replaced).
     *
     * @return the count
     */
    public long indexed() {
        return indexed.get();
    }

    /**
     * Records skipped for {@code reason}.
     *
     * @param reason the reason
     * @return the count
     */
    public long skipped(SkipReason reason) {
        return skipped.get(reason).get();
    }

    /**
     * The next offset to read of each assigned partition, as of the last batch.
     *
     * @return by partition
     */
    public Map<TopicPartition, Long> positions() {
        return positions;
    }

    /**
     * The offsets of the last commit (at start, of the commit the index opened at): where a restart
     * resumes.
     *
     * @return by partition
     */
    public Map<TopicPartition, Long> committed() {
        return committed;
    }

    /**
     * How many commits this consumer made.
     *
     * @return the count
     */
    public long commits() {
        return commits;
    }

    /**
     * Why the consumer stopped, if it stopped on a failure.
     *
     * @return the failure, or null while it runs or after a clean stop
     */
    public Throwable failure() {
        return failure;
    }

    void countRecord() {
        records.incrementAndGet();
    }

    void countIndexed() {
        indexed.incrementAndGet();
    }

    void countSkipped(SkipReason reason) {
        skipped.get(reason).incrementAndGet();
    }

    void positions(Map<TopicPartition, Long> now) {
        positions = Map.copyOf(now);
    }

    /** The offsets of the commit the index opened at, before this consumer's first commit. */
    void restored(Map<TopicPartition, Long> offsets) {
        committed = Map.copyOf(offsets);
    }

    synchronized void committed(Map<TopicPartition, Long> offsets) {
        committed = Map.copyOf(offsets);
        commits++;
    }

    void failed(Throwable cause) {
        failure = cause;
    }
}
