package io.github.vicregstreams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@link SampleReplay} on a plain consumer of one samples partition, configured as Kafka Streams
 * configures its restore consumer (the same brokers, security and client settings), reading
 * committed records only, as {@link KafkaPairsTopicReader} does for the trainer. It never joins the
 * application's group: it only asks for the group's committed offset, which Kafka Streams has
 * already fetched, stable, before the processor's {@code init} runs.
 */
final class KafkaSampleReplay implements SampleReplay {

    /** How long a replay may wait for the cluster between two records. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;

    /**
     * A replay for one inference task.
     *
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the samples topic
     * @param partition the task's partition of it
     */
    KafkaSampleReplay(Map<String, Object> appConfigs, String topic, int partition) {
        StreamsConfig streams = new StreamsConfig(appConfigs);
        String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        Map<String, Object> configs =
                streams.getRestoreConsumerConfigs(applicationId + "-samples-replay-" + partition);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId);
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        this.consumer =
                new KafkaConsumer<>(
                        configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partition = new TopicPartition(topic, partition);
        consumer.assign(List.of(this.partition));
    }

    @Override
    public long committedPosition() {
        OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
        return committed == null ? -1 : committed.offset();
    }

    @Override
    public long startOffset() {
        return consumer.beginningOffsets(List.of(partition)).get(partition);
    }

    @Override
    public List<SampleRecord> read(long from, long to) {
        List<SampleRecord> records = new ArrayList<>();
        if (from >= to) {
            return records;
        }
        consumer.seek(partition, from);
        // The position passes commit markers and aborted records too, so it, not the last record's
        // offset, says when the range is done.
        while (consumer.position(partition) < to) {
            var polled = consumer.poll(POLL_TIMEOUT);
            if (polled.isEmpty() && consumer.position(partition) < to) {
                throw new TimeoutException(
                        "Replaying the samples topic "
                                + partition
                                + ": no record for "
                                + POLL_TIMEOUT.toSeconds()
                                + " s at offset "
                                + consumer.position(partition)
                                + ", before "
                                + to);
            }
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                if (record.offset() < to) {
                    records.add(
                            new SampleRecord(
                                    record.offset(),
                                    record.timestamp(),
                                    record.key(),
                                    record.value()));
                }
            }
        }
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
