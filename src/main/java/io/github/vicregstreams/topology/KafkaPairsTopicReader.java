package io.github.vicregstreams.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The trainer's journal on the pairs topic: each record is a {@link TrainingPair}. */
final class KafkaPairsTopicReader extends KafkaJournalReader {

    /**
     * A reader for the trainer's task.
     *
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the pairs topic
     */
    KafkaPairsTopicReader(Map<String, Object> appConfigs, String topic) {
        super(appConfigs, topic, "pairs-replay", "pairs topic");
    }

    @Override
    List<OffsetPair> decode(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new OffsetPair(r.offset(), TrainingPair.decode(r.value())))
                .toList();
    }
}
