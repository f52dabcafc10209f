package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.Parsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The trainer's journal on the pair-events topic, with {@code train.source=pair-events}: each
 * committed record is parsed again with the parser the stream used, and a record it rejects
 * (dead-lettered when it first came) is skipped, as the trainer never received it. A pair's
 * timestamp is the one the stream gave it: the application's timestamp extractor's, with the
 * partition time of the records read so far; a record it gives a negative timestamp is skipped, as
 * Kafka Streams skips it. (An invalid timestamp before any valid one in the range has no partition
 * time to take here, where the stream had the one it restored: it gets 0.)
 */
final class KafkaPairEventsReader extends KafkaJournalReader {

    private final FeatureEventParser<PairEvent> parser;
    private final TimestampExtractor timestamps;

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
        super(appConfigs, topic, "pair-events-replay", "pair-events topic");
        this.parser = parser;
        this.timestamps = new StreamsConfig(appConfigs).defaultTimestampExtractor();
    }

    @Override
    List<OffsetPair> decode(List<ConsumerRecord<byte[], byte[]>> records) {
        return validPairs(records, parser, timestamps);
    }

    /**
     * The pairs of the valid pair events among {@code records}, with their offsets, in order.
     *
     * @param records records of the pair-events topic
     * @param parser the stream's parser
     * @param timestamps the stream's timestamp extractor
     * @return what the trainer received of them
     */
    static List<OffsetPair> validPairs(
            List<ConsumerRecord<byte[], byte[]>> records,
            FeatureEventParser<PairEvent> parser,
            TimestampExtractor timestamps) {
        List<OffsetPair> pairs = new ArrayList<>(records.size());
        long partitionTime = -1;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            long timestamp = timestampOf(record, timestamps, partitionTime);
            if (timestamp < 0) {
                continue; // Kafka Streams drops a record of a negative extracted timestamp
            }
            partitionTime = Math.max(partitionTime, timestamp);
            Parsed<PairEvent> parsed = parser.parse(record.key(), record.value());
            if (parsed instanceof Parsed.Accepted<PairEvent> accepted) {
                pairs.add(
                        new OffsetPair(
                                record.offset(), TrainingPair.of(accepted.value(), timestamp)));
            }
        }
        return pairs;
    }

    @SuppressWarnings("unchecked") // extractors take records of any key and value type
    private static long timestampOf(
            ConsumerRecord<byte[], byte[]> record,
            TimestampExtractor timestamps,
            long partitionTime) {
        try {
            return timestamps.extract(
                    (ConsumerRecord<Object, Object>) (ConsumerRecord<?, ?>) record, partitionTime);
        } catch (StreamsException e) {
            // UsePartitionTimeOnInvalidTimestamp before any partition time is known.
            return Math.max(partitionTime, 0);
        }
    }
}
