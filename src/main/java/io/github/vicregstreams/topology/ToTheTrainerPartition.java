package io.github.vicregstreams.topology;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * One model, one optimizer: every pair goes to partition 0 of the pairs topic, whatever its key.
 *
 * <p>Streams calls the variant with headers; the one without is still abstract in Kafka 4.4 (and
 * deprecated for removal), so it is implemented too, with the same answer.
 */
final class ToTheTrainerPartition implements StreamPartitioner<String, TrainingPair> {

    private static final Optional<Set<Integer>> PARTITION_ZERO = Optional.of(Set.of(0));

    @Override
    public Optional<Set<Integer>> partitions(
            String topic, String key, TrainingPair value, Headers headers, int partitions) {
        return PARTITION_ZERO;
    }

    @Override
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(
            String topic, String key, TrainingPair value, int partitions) {
        return PARTITION_ZERO;
    }
}
