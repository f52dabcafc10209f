package io.github.vicregstreams.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How topics are created and looked at: create the missing ones, wait until every partition of a
 * new topic has a leader, describe topics and their configs, each call within one time-out. Which
 * topics, and with what settings, is the caller's business (the learner's {@code TopicSetup}, the
 * embedded broker's {@link EmbeddedKafkaBroker#createTopic}).
 *
 * <p>The wait matters: a created topic is in the controller's metadata before every partition has a
 * leader the broker serves, and a producer that races ahead sees retriable errors meanwhile, or
 * worse (see {@link #NEW_TOPIC_PRODUCER_SETTINGS}).
 *
 * <p>Every failure is a {@link KafkaException}, with the broker's error as the cause; a time-out is
 * Kafka's {@link org.apache.kafka.common.errors.TimeoutException}.
 */
public final class TopicCreator {

    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

    /**
     * Settings for a producer that writes to topics just created: one request in flight. An
     * idempotent producer that writes to a partition the broker has not set up yet can lose records
     * (KAFKA-15591, fixed after Kafka 4.4.0): its first request fails as "not leader", a later one
     * overtakes it and is appended, and the retried first one is then refused as out of sequence
     * for good. It happened to a test's producer 80 ms after the topics were created, and to a
     * benchmark's. Waiting for leaders narrows that window without closing it (the broker may not
     * have applied the partition yet); one request in flight closes it.
     */
    public static final Map<String, Object> NEW_TOPIC_PRODUCER_SETTINGS =
            Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);

    /** Replication factor of the embedded broker's topics: there is one node. */
    private static final short SINGLE_NODE_REPLICATION = 1;

    /** Pause between two checks whether every partition has a leader. */
    private static final long LEADER_POLL_MS = 50;

    private TopicCreator() {}

    /**
     * Creates those of the topics that do not exist yet, and waits until every partition of each
     * created one has a leader. Existing topics are left as they are, whatever their settings: the
     * caller checks what it needs of them. Listing first means a client allowed only to describe
     * pre-created topics needs no permission to create.
     *
     * @param admin a connected admin client
     * @param topics the topics wanted, with the settings to create them with
     * @param timeout how long to wait in all
     * @return the names of the topics this call created, in the order given
     * @throws KafkaException when a topic cannot be created or the cluster does not answer in time
     */
    public static List<String> createMissing(
            Admin admin, Collection<NewTopic> topics, Duration timeout) {
        long deadline = deadline(timeout);
        Set<String> existing =
                get(
                        admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMs(deadline)))
                                .names(),
                        deadline,
                        timeout,
                        "Cannot list the topics",
                        "to list the topics");
        List<NewTopic> missing = new ArrayList<>();
        for (NewTopic topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(topic);
            }
        }
        List<String> created = create(admin, missing, deadline, timeout);
        awaitLeaders(admin, created, deadline, timeout);
        return created;
    }

    /**
     * Describes topics.
     *
     * @param admin a connected admin client
     * @param names the topics
     * @param timeout how long to wait
     * @return each topic's description, by name
     * @throws KafkaException when a topic is missing or the cluster does not answer in time
     */
    public static Map<String, TopicDescription> describe(
            Admin admin, Collection<String> names, Duration timeout) {
        long deadline = deadline(timeout);
        return get(
                admin.describeTopics(
                                names, new DescribeTopicsOptions().timeoutMs(remainingMs(deadline)))
                        .allTopicNames(),
                deadline,
                timeout,
                "Cannot describe topics " + names,
                "to describe topics " + names);
    }

    /**
     * A topic's configuration as the broker applies it: its own settings and the broker's defaults.
     *
     * @param admin a connected admin client
     * @param name the topic
     * @param timeout how long to wait
     * @return the configuration
     * @throws KafkaException when the topic is missing or the cluster does not answer in time
     */
    public static Config describeConfig(Admin admin, String name, Duration timeout) {
        long deadline = deadline(timeout);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        return get(
                        admin.describeConfigs(
                                        List.of(topic),
                                        new DescribeConfigsOptions()
                                                .timeoutMs(remainingMs(deadline)))
                                .all(),
                        deadline,
                        timeout,
                        "Cannot describe the configuration of topic " + name,
                        "to describe the configuration of topic " + name)
                .get(topic);
    }

    /**
     * The embedded broker's topic: created with replication factor 1 when missing, and usable (a
     * leader for every partition) when this returns, whether it was created or existed.
     */
    static boolean createIfAbsent(
            Admin admin,
            String name,
            int partitions,
            Map<String, String> configs,
            Duration timeout) {
        Objects.requireNonNull(admin, "admin must not be null");
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(configs, "configs must not be null");
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "partitions must be at least 1. Got: " + partitions + " for topic " + name);
        }
        long deadline = deadline(timeout);
        NewTopic topic =
                new NewTopic(name, Optional.of(partitions), Optional.of(SINGLE_NODE_REPLICATION))
                        .configs(configs);
        boolean created = !create(admin, List.of(topic), deadline, timeout).isEmpty();
        TopicDescription description = awaitLeaders(admin, List.of(name), deadline, timeout).get(0);
        if (!created && description.partitions().size() != partitions) {
            log.warn(
                    "Topic exists with another partition count; keeping it: topic=[{}] partitions=[{}]"
                            + " requested=[{}]",
                    name,
                    description.partitions().size(),
                    partitions);
        }
        return created;
    }

    /** Creates the topics; one that exists meanwhile is not an error, and not in the result. */
    private static List<String> create(
            Admin admin, List<NewTopic> topics, long deadline, Duration timeout) {
        List<String> created = new ArrayList<>();
        if (topics.isEmpty()) {
            return created;
        }
        Map<String, KafkaFuture<Void>> results =
                admin.createTopics(
                                topics, new CreateTopicsOptions().timeoutMs(remainingMs(deadline)))
                        .values();
        for (NewTopic topic : topics) {
            try {
                get(
                        results.get(topic.name()),
                        deadline,
                        timeout,
                        "Cannot create topic " + topic.name(),
                        "to create topic " + topic.name());
            } catch (KafkaException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    continue;
                }
                throw e;
            }
            created.add(topic.name());
            log.info(
                    "Created topic: topic=[{}] partitions=[{}] configs=[{}]",
                    topic.name(),
                    topic.numPartitions(),
                    topic.configs());
        }
        return created;
    }

    /** Waits until every partition of the topics has a leader; their descriptions, in order. */
    private static List<TopicDescription> awaitLeaders(
            Admin admin, List<String> names, long deadline, Duration timeout) {
        String what = "to have a leader for every partition: " + names;
        while (true) {
            if (names.isEmpty()) {
                return List.of();
            }
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(
                                        names,
                                        new DescribeTopicsOptions()
                                                .timeoutMs(remainingMs(deadline)))
                                .allTopicNames()
                                .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                boolean led =
                        described.values().stream()
                                .flatMap(d -> d.partitions().stream())
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return names.stream().map(described::get).toList();
                }
            } catch (ExecutionException e) {
                // Just created: the broker may not know the topic yet. Anything else is a real
                // failure.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw asKafkaException("Cannot describe topics " + names, e.getCause());
                }
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            } catch (TimeoutException e) {
                throw timedOut(timeout, what);
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEADER_POLL_MS) > deadline) {
                throw timedOut(timeout, what);
            }
            try {
                Thread.sleep(LEADER_POLL_MS);
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            }
        }
    }

    /** The future's value, or its failure as a {@link KafkaException} with the broker's error. */
    private static <T> T get(
            KafkaFuture<T> future, long deadline, Duration timeout, String failure, String what) {
        try {
            return future.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw asKafkaException(failure, e.getCause());
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        } catch (TimeoutException e) {
            throw timedOut(timeout, what);
        }
    }

    private static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive. Got: " + timeout);
        }
        return System.nanoTime() + timeout.toNanos();
    }

    private static int remainingMs(long deadline) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining));
    }

    private static org.apache.kafka.common.errors.TimeoutException timedOut(
            Duration timeout, String what) {
        return new org.apache.kafka.common.errors.TimeoutException(
                "Timed out after " + timeout + " waiting " + what);
    }

    private static KafkaException asKafkaException(String message, Throwable cause) {
        // The broker's error (e.g. InvalidConfigurationException) stays reachable as the cause.
        return new KafkaException(message + ": " + cause.getMessage(), cause);
    }
}
