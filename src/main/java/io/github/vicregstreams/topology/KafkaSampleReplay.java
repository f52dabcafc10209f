package io.github.vicregstreams.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link SampleReplay} over a {@link CommittedRangeReader} of one partition of the samples topic.
 */
final class KafkaSampleReplay implements SampleReplay {

    private final CommittedRangeReader reader;

    /**
     * A replay for one inference task.
     *
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the samples topic
     * @param partition the task's partition of it
     */
    KafkaSampleReplay(Map<String, Object> appConfigs, String topic, int partition) {
        this.reader =
                new CommittedRangeReader(
                        appConfigs,
                        new TopicPartition(topic, partition),
                        "samples-replay-" + partition,
                        "samples topic");
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
    public List<SampleRecord> read(long from, long to) {
        return reader.read(from, to).stream()
                .map(r -> new SampleRecord(r.offset(), r.timestamp(), r.key(), r.value()))
                .toList();
    }

    @Override
    public void close() {
        reader.close();
    }
}
