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
 * Reads a range of one partition back after a restart, committed records only: the journals of the
 * trainer ({@link KafkaJournalReader}) and of inference ({@link KafkaSampleReplay}).
 *
 * <p>A plain consumer configured as Kafka Streams configures its restore consumer (the same
 * brokers, security and client settings). It never joins the application's group: it only asks for
 * the group's committed offset, which Kafka Streams has already fetched, stable, before a
 * processor's {@code init} runs.
 */
final class CommittedRangeReader implements AutoCloseable {

    /** How long a replay may wait for the cluster between two records. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final String what;

    /**
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param partition the partition to read
     * @param clientSuffix ends the consumer's client id, after the application id
     * @param what the partition's part, for a time-out's message, e.g. {@code pairs topic}
     */
    CommittedRangeReader(
            Map<String, Object> appConfigs,
            TopicPartition partition,
            String clientSuffix,
            String what) {
        StreamsConfig streams = new StreamsConfig(appConfigs);
        String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        Map<String, Object> configs =
                streams.getRestoreConsumerConfigs(applicationId + "-" + clientSuffix);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId);
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        this.consumer =
                new KafkaConsumer<>(
                        configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partition = partition;
        this.what = what;
        consumer.assign(List.of(partition));
    }

    /** The application's committed offset on the partition; -1 when it has none. */
    long committedPosition() {
        OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
        return committed == null ? -1 : committed.offset();
    }

    /** The partition's first offset that retention has kept. */
    long startOffset() {
        return consumer.beginningOffsets(List.of(partition)).get(partition);
    }

    /**
     * The committed records of offsets {@code [from, to)}, in offset order.
     *
     * @throws TimeoutException if no record comes for a minute before the range is read
     */
    List<ConsumerRecord<byte[], byte[]>> read(long from, long to) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
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
                        "Replaying the "
                                + what
                                + " "
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
                    records.add(record);
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
