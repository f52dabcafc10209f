package io.github.vicregstreams.cli;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the latest valid checkpoint of a model from the (compacted) model topic. */
final class ModelTopic {

    private static final Logger log = LoggerFactory.getLogger(ModelTopic.class);

    /** Larger than any checkpoint the learner's producer may send. */
    private static final int FETCH_BYTES = 80 * 1024 * 1024;

    private ModelTopic() {}

    /** A checkpoint and its step. */
    record Checkpoint(long step, byte[] bytes) {}

    /**
     * The newest committed checkpoint with key {@code modelName} that passes every check, if any;
     * records that do not are logged and skipped.
     *
     * @throws KafkaException if the topic does not exist or the cluster does not answer in time
     */
    static Optional<Checkpoint> latest(
            String bootstrapServers, LearnerConfig learner, Duration timeout) {
        String topic = learner.topics().model();
        String modelName = learner.modelName();
        CheckpointSignature signature = learner.checkpointSignature();
        Map<String, Object> config = new HashMap<>(learner.consumerConfigs());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException(
                        "Model topic " + topic + " does not exist at " + bootstrapServers);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            return read(consumer, partitions, begin, end, modelName, signature, timeout);
        }
    }

    /**
     * Reads the whole (compacted) topic: a checkpoint is a manifest and chunks before it, so no
     * tail of a fixed number of records is sure to hold one.
     */
    private static Optional<Checkpoint> read(
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> begin,
            Map<TopicPartition, Long> end,
            String modelName,
            CheckpointSignature signature,
            Duration timeout) {
        for (TopicPartition partition : partitions) {
            consumer.seek(partition, begin.get(partition));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CheckpointChunks.Assembler chunks = new CheckpointChunks.Assembler(modelName);
        Checkpoint newest = null;
        long newestTimestamp = Long.MIN_VALUE;
        while (!atEnd(consumer, partitions, end)) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException(
                        "Reading the model topic did not finish within "
                                + timeout.toSeconds()
                                + " s");
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (!CheckpointChunks.belongsTo(modelName, record.key())
                        || record.value() == null) {
                    continue;
                }
                CheckpointChunks.Assembler.Outcome outcome =
                        chunks.accept(record.key(), record.value(), record.headers());
                if (outcome instanceof CheckpointChunks.Assembler.Refused refused) {
                    skip(record, refused.reason());
                } else if (outcome instanceof CheckpointChunks.Assembler.Complete complete
                        && record.timestamp() >= newestTimestamp) {
                    // Anyone who can write the topic can write garbage to it: the newest record
                    // that is a
                    // valid checkpoint wins, as in the learner's global store.
                    try {
                        String unsigned =
                                signature.refusal(complete.checkpoint(), complete.headers());
                        if (unsigned != null) {
                            throw new InvalidCheckpointException(unsigned);
                        }
                        newest =
                                new Checkpoint(
                                        CheckpointInfo.of(complete.checkpoint()).step(),
                                        complete.checkpoint());
                        newestTimestamp = record.timestamp();
                    } catch (InvalidCheckpointException e) {
                        skip(record, e.getMessage());
                    }
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    private static void skip(ConsumerRecord<String, byte[]> record, String reason) {
        log.warn(
                "Skipped a model-topic record that is not a valid checkpoint: reason=[{}] topic=[{}]"
                        + " partition=[{}] offset=[{}]",
                reason,
                record.topic(),
                record.partition(),
                record.offset());
    }

    private static boolean atEnd(
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }
}
