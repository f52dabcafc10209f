package io.github.vicregstreams.topology;

import io.github.vicregstreams.kafka.TopicCreator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * The Kafka side of the learner's configuration: which keys are Kafka settings that pass through,
 * the settings the learner chooses for Kafka Streams, and what each plain client (producer,
 * consumer, admin) takes of the pass-through settings, so that every client is built from one
 * place, as {@link StreamsConfig} does for the clients of Kafka Streams.
 */
final class KafkaSettings {

    /** The learner's producer batch size; see {@link #STREAMS_DEFAULTS}. */
    static final int PRODUCER_BATCH_BYTES = 256 * 1024;

    /** Settings the application chooses for Kafka Streams unless the user sets them. */
    static final Map<String, Object> STREAMS_DEFAULTS =
            Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    StreamsConfig.EXACTLY_ONCE_V2,
                    // A training step and a checkpoint must fit inside one transaction.
                    StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    120_000,
                    // Fewer records per poll keeps the gap between polls to a few training steps.
                    StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                    1_000,
                    // A record with an invalid timestamp would otherwise stop the stream thread.
                    StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                    UsePartitionTimeOnInvalidTimestamp.class.getName(),
                    // A pair is 6.3 KB on the pairs topic and a view 4.2 KB: the producer's default
                    // 16 KiB batch holds two or three, so every few records cost a produce request.
                    // Measured (docs/data-path.md): 267 -> 197 µs of CPU per pair, 6,302 -> 7,909
                    // pairs/s.
                    StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                    PRODUCER_BATCH_BYTES);

    /** The settings of {@code failover.profile=fast}. */
    static final Map<String, Object> FAST_FAILOVER =
            Map.of(
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                    1,
                    StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                    6_000,
                    StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                    1_500,
                    StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    10_000);

    private static final List<String> CLIENT_PREFIXES =
            List.of(
                    StreamsConfig.PRODUCER_PREFIX,
                    StreamsConfig.CONSUMER_PREFIX,
                    StreamsConfig.MAIN_CONSUMER_PREFIX,
                    StreamsConfig.RESTORE_CONSUMER_PREFIX,
                    StreamsConfig.GLOBAL_CONSUMER_PREFIX,
                    StreamsConfig.ADMIN_CLIENT_PREFIX);

    private KafkaSettings() {}

    /**
     * Whether a key that is not the learner's own is a setting of Kafka Streams or of one of its
     * clients, with or without a client prefix ({@code producer.}, {@code admin.}, …).
     */
    static boolean isKafkaSetting(String key) {
        if (StreamsConfig.configDef().names().contains(key)
                || ProducerConfig.configNames().contains(key)
                || ConsumerConfig.configNames().contains(key)
                || AdminClientConfig.configNames().contains(key)) {
            return true;
        }
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Kafka Streams properties: the learner's defaults, the fast failover profile when chosen,
     * then the user's pass-through settings, which win.
     */
    static Properties streams(
            Map<String, Object> passThrough,
            boolean fastFailover,
            short replicationFactor,
            String bootstrapServers,
            String applicationId) {
        Properties props = new Properties();
        props.putAll(STREAMS_DEFAULTS);
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                LearnerConfig.MAX_REQUEST_BYTES);
        if (fastFailover) {
            props.putAll(FAST_FAILOVER);
        }
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
        props.putAll(passThrough);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        return props;
    }

    /**
     * A plain producer's settings: the pass-through ones a producer knows, and one request in
     * flight unless the user says otherwise ({@link TopicCreator#NEW_TOPIC_PRODUCER_SETTINGS}: the
     * learner's producers write to topics the learner may have just created).
     */
    static Map<String, Object> producer(Map<String, Object> passThrough) {
        Map<String, Object> settings = known(passThrough, ProducerConfig.configNames());
        TopicCreator.NEW_TOPIC_PRODUCER_SETTINGS.forEach(settings::putIfAbsent);
        return settings;
    }

    /** A plain consumer's settings: the pass-through ones a consumer knows. */
    static Map<String, Object> consumer(Map<String, Object> passThrough) {
        return known(passThrough, ConsumerConfig.configNames());
    }

    /**
     * An admin client's settings: the pass-through ones an admin client knows. Kafka Streams' own
     * keys ({@code num.stream.threads}, {@code processing.guarantee}, …) stay out: an admin client
     * warns of every key it does not know.
     */
    static Map<String, Object> admin(Map<String, Object> passThrough) {
        return known(passThrough, AdminClientConfig.configNames());
    }

    private static Map<String, Object> known(Map<String, Object> passThrough, Set<String> names) {
        Map<String, Object> settings = new HashMap<>();
        passThrough.forEach(
                (key, value) -> {
                    if (names.contains(key)) {
                        settings.put(key, value);
                    }
                });
        return settings;
    }
}
