package io.github.vicregstreams.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link PairsTopicReader} over a {@link CommittedRangeReader} of partition 0 of the pairs topic.
 */
final class KafkaPairsTopicReader implements PairsTopicReader {

    private final CommittedRangeReader reader;

    /**
     * A reader for the trainer's task.
     *
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the pairs topic
     */
    KafkaPairsTopicReader(Map<String, Object> appConfigs, String topic) {
        this.reader =
                new CommittedRangeReader(
                        appConfigs, new TopicPartition(topic, 0), "pairs-replay", "pairs topic");
    }

    @Override
    public long committedPosition() {
        return reader.committedPosition();
    }

    @Override
    public long startOffset() {
        return reader.startOffset();
    }

    @Override
    public List<OffsetPair> read(long from, long to) {
        return reader.read(from, to).stream()
                .map(r -> new OffsetPair(r.offset(), TrainingPair.decode(r.value())))
                .toList();
    }

    @Override
    public void close() {
        reader.close();
    }
}
