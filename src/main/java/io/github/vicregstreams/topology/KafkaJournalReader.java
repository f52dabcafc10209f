package io.github.vicregstreams.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link PairsTopicReader} over a {@link CommittedRangeReader} of the one partition of the
 * trainer's journal topic; a subclass turns the committed records into the pairs the trainer
 * received.
 */
abstract class KafkaJournalReader implements PairsTopicReader {

    private final CommittedRangeReader reader;

    /**
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the journal topic
     * @param clientSuffix the suffix of the reader's client id
     * @param description the topic, as the reader's errors name it
     */
    KafkaJournalReader(
            Map<String, Object> appConfigs, String topic, String clientSuffix, String description) {
        this.reader =
                new CommittedRangeReader(
                        appConfigs,
                        new TopicPartition(topic, TrainerJournal.JOURNAL_PARTITION),
                        clientSuffix,
                        description);
    }

    /** The pairs the trainer received of {@code records}, with their offsets, in order. */
    abstract List<OffsetPair> decode(List<ConsumerRecord<byte[], byte[]>> records);

    @Override
    public final long committedPosition() {
        return reader.committedPosition();
    }

    @Override
    public final long startOffset() {
        return reader.startOffset();
    }

    @Override
    public final List<OffsetPair> read(long from, long to) {
        return decode(reader.read(from, to));
    }

    @Override
    public final void close() {
        reader.close();
    }
}
