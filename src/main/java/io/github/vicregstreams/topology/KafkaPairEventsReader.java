package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.Parsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link PairsTopicReader} over partition 0 of the pair-events topic, for {@code
 * train.source=pair-events}, where that topic is the trainer's journal: each committed record is
 * parsed again with the parser the stream used, and a record it rejects (dead-lettered when it
 * first came) is skipped, as the trainer never received it.
 */
final class KafkaPairEventsReader implements PairsTopicReader {

    private final CommittedRangeReader reader;
    private final FeatureEventParser<PairEvent> parser;

    /**
     * A reader for the trainer's task.
     *
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the pair-events topic
     * @param parser the parser of the stream's validating node
     */
    KafkaPairEventsReader(
            Map<String, Object> appConfigs, String topic, FeatureEventParser<PairEvent> parser) {
        this.reader =
                new CommittedRangeReader(
                        appConfigs,
                        new TopicPartition(topic, 0),
                        "pair-events-replay",
                        "pair-events topic");
        this.parser = parser;
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
        return validPairs(reader.read(from, to), parser);
    }

    /**
     * The pairs of the valid pair events among {@code records}, with their offsets, in order.
     *
     * @param records records of the pair-events topic
     * @param parser the stream's parser
     * @return what the trainer received of them
     */
    static List<OffsetPair> validPairs(
            List<ConsumerRecord<byte[], byte[]>> records, FeatureEventParser<PairEvent> parser) {
        List<OffsetPair> pairs = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Parsed<PairEvent> parsed = parser.parse(record.key(), record.value());
            if (parsed instanceof Parsed.Accepted<PairEvent> accepted) {
                pairs.add(
                        new OffsetPair(
                                record.offset(),
                                TrainingPair.of(accepted.value(), record.timestamp())));
            }
        }
        return pairs;
    }

    @Override
    public void close() {
        reader.close();
    }
}
