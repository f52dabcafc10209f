package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the learner owns when they are missing, with the partitions and settings it
 * needs, and checks the ones that exist: the pairs topic must have one partition, and the model
 * topic must take a checkpoint.
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

    private static final Duration LEADER_POLL = Duration.ofMillis(50);

    /**
     * Settings for a producer that writes to topics this setup has just created: one request in
     * flight. With several, the first request to a partition the broker has not applied yet is
     * refused, a later one overtakes it, and the retried first one is then refused for good as out
     * of sequence, losing its records (KAFKA-15591, fixed after Kafka 4.4.0). Waiting for leaders
     * narrows that window without closing it.
     */
    public static final Map<String, Object> NEW_TOPIC_PRODUCER_SETTINGS =
            Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);

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
        wanted.put(
                topics.pairEvents(), topic(topics.pairEvents(), partitions, replication, Map.of()));
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
        return wanted;
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
        Map<String, NewTopic> wanted = wanted();
        try {
            Set<String> existing =
                    admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : wanted.values()) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            List<String> created = create(admin, missing, timeout);
            awaitLeaders(admin, created, timeout);
            check(admin, timeout);
            return created;
        } catch (ExecutionException e) {
            throw new KafkaException(
                    "Cannot set up the learner's topics: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new KafkaException(
                    "The Kafka cluster did not answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while setting up topics", e);
        }
    }

    private List<String> create(Admin admin, Collection<NewTopic> missing, Duration timeout)
            throws InterruptedException, TimeoutException, ExecutionException {
        List<String> created = new ArrayList<>();
        if (missing.isEmpty()) {
            return created;
        }
        Map<String, org.apache.kafka.common.KafkaFuture<Void>> results =
                admin.createTopics(missing).values();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result :
                results.entrySet()) {
            try {
                result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(result.getKey());
                log.info("Created topic: name=[{}]", result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    /**
     * Waits until every partition of the new topics has a leader in the cluster's metadata.
     *
     * <p>An idempotent producer that writes to a partition the broker has not set up yet can lose
     * records (KAFKA-15591, fixed after Kafka 4.4.0): its first request fails as "not leader", a
     * later one is appended, and the retried first one is refused as out of order for good. It
     * happened here to a test's producer 80 ms after the topics were created, and to a benchmark's.
     * A leader in the metadata narrows that window but does not close it (the broker may not have
     * applied the partition yet): producers that write right after this also keep one request in
     * flight.
     */
    private static void awaitLeaders(Admin admin, List<String> created, Duration timeout)
            throws InterruptedException, TimeoutException {
        if (created.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(created)
                                .allTopicNames()
                                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                boolean led =
                        described.values().stream()
                                .flatMap(d -> d.partitions().stream())
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                // Not known to the broker we asked yet: ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the new topics have no leader yet: " + created);
            }
            Thread.sleep(LEADER_POLL.toMillis());
        }
    }

    private void check(Admin admin, Duration timeout)
            throws InterruptedException, TimeoutException, ExecutionException {
        Topics topics = config.topics();
        Map<String, TopicDescription> described =
                admin.describeTopics(List.of(topics.pairs(), topics.model()))
                        .allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        int pairPartitions = described.get(topics.pairs()).partitions().size();
        if (pairPartitions != 1) {
            throw new IllegalStateException(
                    "Topic '"
                            + topics.pairs()
                            + "' ("
                            + LearnerConfig.TOPIC_PAIRS_CONFIG
                            + ") has "
                            + pairPartitions
                            + " partitions; the trainer needs exactly 1. Delete it (the learner creates it) or"
                            + " name another with "
                            + LearnerConfig.TOPIC_PAIRS_CONFIG
                            + ".");
        }
        ConfigResource model = new ConfigResource(ConfigResource.Type.TOPIC, topics.model());
        Config modelConfig =
                admin.describeConfigs(List.of(model))
                        .all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(model);
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

    private static NewTopic topic(
            String name, int partitions, Optional<Short> replication, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), replication).configs(configs);
    }
}
