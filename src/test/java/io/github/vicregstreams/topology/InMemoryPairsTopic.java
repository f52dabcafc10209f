package io.github.vicregstreams.topology;

import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A pairs topic in memory for the trainer's restart tests: every pair appended at its offset, with
 * the gaps that commit markers leave in a transactional topic, the application's committed
 * position, and a {@link PairsTopicReader} on it, as the Kafka reader reads the real one.
 */
final class InMemoryPairsTopic {

    private final TreeMap<Long, TrainingPair> pairs = new TreeMap<>();
    private long committedPosition = -1;
    private long nextOffset;
    private boolean readsFail;
    private Uuid topicId = Uuid.randomUuid();

    /** Appends a pair and returns its offset. */
    long append(TrainingPair pair) {
        long offset = nextOffset++;
        pairs.put(offset, pair);
        return offset;
    }

    /**
     * Commits the pairs appended so far: a commit marker takes an offset, the position passes it.
     */
    void commit() {
        nextOffset++;
        committedPosition = nextOffset - 1;
    }

    /** Retention: deletes the pairs below {@code offset}. */
    void deleteBefore(long offset) {
        pairs.headMap(offset).clear();
    }

    /**
     * The topic deleted and created again under its name (or a topic of that name on a new
     * cluster): empty, offsets from 0, nothing committed, another topic ID.
     */
    void createAgain() {
        pairs.clear();
        committedPosition = -1;
        nextOffset = 0;
        topicId = Uuid.randomUuid();
    }

    /** Its topic ID as the trainer looks it up: {@link Uuid#ZERO_UUID} for unknown. */
    void setTopicId(Uuid id) {
        topicId = id;
    }

    /** Its topic ID now. */
    Uuid topicId() {
        return topicId;
    }

    /** Looks up its current topic ID, whatever the topic's name. */
    TopicIds topicIds() {
        return (appConfigs, topic) -> topicId;
    }

    /** Whether reading fails from now on, as from a topic the cluster cannot serve. */
    void failReads(boolean fail) {
        readsFail = fail;
    }

    /** The last pair's offset. */
    long lastOffset() {
        return pairs.lastKey();
    }

    /** A reader of the topic as it stands when it reads. */
    PairsTopicReader reader() {
        return new PairsTopicReader() {
            @Override
            public long committedPosition() {
                return committedPosition;
            }

            @Override
            public long startOffset() {
                return pairs.isEmpty() ? 0 : pairs.firstKey();
            }

            @Override
            public List<OffsetPair> read(long from, long to) {
                if (readsFail) {
                    throw new IllegalStateException("the pairs topic cannot be read");
                }
                return pairs.subMap(from, to).entrySet().stream()
                        .map(e -> new OffsetPair(e.getKey(), e.getValue()))
                        .toList();
            }

            @Override
            public void close() {}
        };
    }
}
