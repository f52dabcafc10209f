package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.kafka.TopicCreator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which topics the learner owns, with the partitions and settings it creates them with ({@link
 * #wanted}), and what it needs of those that exist: the pairs topic must have one partition, and
 * the model topic must take a checkpoint chunk. How topics are created, waited for and described is
 * {@link TopicCreator}'s.
 */
public final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    /**
     * Compaction never touches the active segment, and every instance reads the whole model topic
     * into its global store at start-up: with the broker's 1 GiB segments, dozens of stale
     * checkpoints would be read each time. A few checkpoints per segment keeps that short.
     */
    static final int MODEL_SEGMENT_BYTES = 64 * 1024 * 1024;

    /** A checkpoint chunk with its key, headers and batch overhead. */
    static final int MODEL_RECORD_BYTES = CheckpointChunks.CHUNK_BYTES + 16 * 1024;

    private static final long PAIRS_RETENTION_MS = Duration.ofDays(1).toMillis();

    private final LearnerConfig config;

    /**
     * Creates the setup for a configuration.
     *
     * @param config the learner's configuration
     */
    public TopicSetup(LearnerConfig config) {
        this.config = config;
    }

    /**
     * The topics the learner uses, with the settings it creates them with.
     *
     * @return the topics, by name
     */
    public Map<String, NewTopic> wanted() {
        Topics topics = config.topics();
        int partitions = config.topicPartitions();
        Optional<Short> replication =
                config.replicationFactor() < 0
                        ? Optional.empty()
                        : Optional.of(config.replicationFactor());
        Map<String, NewTopic> wanted = new LinkedHashMap<>();
        wanted.put(topics.views(), topic(topics.views(), partitions, replication, Map.of()));
        // With train.source=pair-events the trainer's one task reads the pair-events topic itself.
        int pairEventPartitions = config.trainsOnPairEventsOnly() ? 1 : partitions;
        wanted.put(
                topics.pairEvents(),
                topic(topics.pairEvents(), pairEventPartitions, replication, Map.of()));
        wanted.put(topics.samples(), topic(topics.samples(), partitions, replication, Map.of()));
        wanted.put(
                topics.embeddings(), topic(topics.embeddings(), partitions, replication, Map.of()));
        wanted.put(topics.metrics(), topic(topics.metrics(), 1, replication, Map.of()));
        wanted.put(
                topics.deadLetters(),
                topic(
                        topics.deadLetters(),
                        partitions,
                        replication,
                        Map.of(
                                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                String.valueOf(DeadLetter.MAX_RECORD_BYTES))));
        wanted.put(
                topics.model(),
                topic(
                        topics.model(),
                        1,
                        replication,
                        Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT,
                                TopicConfig.SEGMENT_BYTES_CONFIG,
                                String.valueOf(MODEL_SEGMENT_BYTES))));
        wanted.put(
                topics.pairs(),
                topic(
                        topics.pairs(),
                        1,
                        replication,
                        Map.of(
                                TopicConfig.RETENTION_MS_CONFIG,
                                String.valueOf(PAIRS_RETENTION_MS))));
        if (config.versions().enabled()) {
            // One partition each: one backfill task walks every item, and announces versions in
            // order.
            Map<String, String> compacted =
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            wanted.put(topics.items(), topic(topics.items(), 1, replication, compacted));
            wanted.put(
                    topics.modelVersions(),
                    topic(topics.modelVersions(), 1, replication, compacted));
        }
        return wanted;
    }

    /**
     * Creates the missing topics and checks the existing ones, with an admin client of its own
     * ({@link #adminProperties}).
     *
     * @param bootstrapServers the brokers (the configured ones, or an embedded broker's)
     * @param timeout how long to wait for the cluster, in all and per request
     * @return the names of the topics created
     * @throws IllegalStateException naming the topic and the fix when an existing topic cannot work
     * @throws KafkaException when the cluster cannot be reached or does not answer in time
     */
    public List<String> apply(String bootstrapServers, Duration timeout) {
        try (Admin admin = Admin.create(adminProperties(bootstrapServers, timeout))) {
            return apply(admin, timeout);
        }
    }

    /**
     * The admin client's settings: the user's that an admin client knows ({@link
     * LearnerConfig#adminConfigs()}), the brokers, and the time-out for every request.
     *
     * @param bootstrapServers the brokers
     * @param timeout the time-out of every request
     * @return the properties for {@link Admin#create(Properties)}
     */
    public Properties adminProperties(String bootstrapServers, Duration timeout) {
        Properties props = new Properties();
        props.putAll(config.adminConfigs());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        return props;
    }

    /**
     * Creates the missing topics and checks the existing ones.
     *
     * @param admin a connected admin client
     * @param timeout how long to wait for the cluster
     * @return the names of the topics created
     * @throws IllegalStateException naming the topic and the fix when an existing topic cannot work
     * @throws KafkaException when the cluster does not answer in time
     */
    public List<String> apply(Admin admin, Duration timeout) {
        try {
            List<String> created = TopicCreator.createMissing(admin, wanted().values(), timeout);
            check(admin, timeout);
            return created;
        } catch (InterruptException e) {
            throw e;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaException(
                    "The Kafka cluster did not answer within " + timeout.toSeconds() + " s", e);
        } catch (KafkaException e) {
            throw new KafkaException("Cannot set up the learner's topics: " + e.getMessage(), e);
        }
    }

    private void check(Admin admin, Duration timeout) {
        Topics topics = config.topics();
        requireOnePartition(
                admin,
                timeout,
                topics.pairs(),
                "the trainer needs exactly 1. "
                        + recreateOrRename(LearnerConfig.TOPIC_PAIRS_CONFIG));
        if (config.trainsOnPairEventsOnly()) {
            // An input: its records are the user's, so no advice to delete it.
            requireOnePartition(
                    admin,
                    timeout,
                    topics.pairEvents(),
                    "the trainer reads it itself with train.source=pair-events, and needs exactly 1."
                            + " Name a topic of one partition with "
                            + LearnerConfig.TOPIC_PAIR_EVENTS_CONFIG
                            + ", or use train.source=views (the pairs topic between).");
        }
        if (config.versions().enabled()) {
            requireOnePartition(
                    admin,
                    timeout,
                    topics.items(),
                    "the backfill needs exactly 1. "
                            + recreateOrRename(LearnerConfig.TOPIC_ITEMS_CONFIG));
        }
        Config modelConfig = TopicCreator.describeConfig(admin, topics.model(), timeout);
        ConfigEntry maxBytes = modelConfig.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (maxBytes != null && Long.parseLong(maxBytes.value()) < MODEL_RECORD_BYTES) {
            throw new IllegalStateException(
                    "Topic '"
                            + topics.model()
                            + "' accepts records of at most "
                            + maxBytes.value()
                            + " bytes, but a checkpoint chunk takes up to "
                            + MODEL_RECORD_BYTES
                            + ". Raise its max.message.bytes to at least "
                            + MODEL_RECORD_BYTES
                            + " (Kafka's default, 1048588, is enough).");
        }
        ConfigEntry cleanup = modelConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (cleanup != null && !cleanup.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            log.warn(
                    "The model topic is not compacted, so it keeps every checkpoint until retention"
                            + " removes it: topic=[{}] cleanup.policy=[{}]",
                    topics.model(),
                    cleanup.value());
        }
    }

    private static String recreateOrRename(String key) {
        return "Delete it (the learner creates it) or name another with " + key + ".";
    }

    /** Fails with {@code why} (who needs one partition, and the fix) unless it has one. */
    private static void requireOnePartition(
            Admin admin, Duration timeout, String topic, String why) {
        int partitions =
                TopicCreator.describe(admin, List.of(topic), timeout)
                        .get(topic)
                        .partitions()
                        .size();
        if (partitions != 1) {
            throw new IllegalStateException(
                    "Topic '" + topic + "' has " + partitions + " partitions; " + why);
        }
    }

    private static NewTopic topic(
            String name, int partitions, Optional<Short> replication, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), replication).configs(configs);
    }
}
