package io.github.vicregstreams.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a topic if it is missing and waits until it can be used, all within one time-out.
 *
 * <p>The wait matters: a created topic is in the controller's metadata before every partition has a
 * leader the broker serves, and a producer that races ahead sees retriable errors meanwhile.
 */
final class TopicCreator {

    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

    /** Replication factor of every topic: there is one node. */
    private static final short REPLICATION_FACTOR = 1;

    /** Pause between two checks whether every partition has a leader. */
    private static final long LEADER_POLL_MS = 50;

    private TopicCreator() {}

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
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive. Got: " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        NewTopic topic =
                new NewTopic(name, Optional.of(partitions), Optional.of(REPLICATION_FACTOR))
                        .configs(configs);
        boolean created = true;
        try {
            admin.createTopics(
                            List.of(topic),
                            new CreateTopicsOptions().timeoutMs(remainingMs(deadline)))
                    .all()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw asKafkaException("Cannot create topic " + name, e.getCause());
            }
            created = false;
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        } catch (TimeoutException e) {
            throw timedOut(name, timeout, "to be created");
        }
        TopicDescription description = awaitLeaders(admin, name, deadline, timeout);
        if (!created && description.partitions().size() != partitions) {
            log.warn(
                    "Topic exists with another partition count; keeping it: topic=[{}] partitions=[{}]"
                            + " requested=[{}]",
                    name,
                    description.partitions().size(),
                    partitions);
        }
        if (created) {
            log.info(
                    "Created topic: topic=[{}] partitions=[{}] configs=[{}]",
                    name,
                    partitions,
                    configs);
        }
        return created;
    }

    private static TopicDescription awaitLeaders(
            Admin admin, String name, long deadline, Duration timeout) {
        while (true) {
            try {
                TopicDescription description =
                        admin.describeTopics(
                                        List.of(name),
                                        new DescribeTopicsOptions()
                                                .timeoutMs(remainingMs(deadline)))
                                .allTopicNames()
                                .get(remainingMs(deadline), TimeUnit.MILLISECONDS)
                                .get(name);
                if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return description;
                }
            } catch (ExecutionException e) {
                // Just created: the broker may not know the topic yet. Anything else is a real
                // failure.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw asKafkaException("Cannot describe topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            } catch (TimeoutException e) {
                throw timedOut(name, timeout, "to have a leader for every partition");
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEADER_POLL_MS) > deadline) {
                throw timedOut(name, timeout, "to have a leader for every partition");
            }
            try {
                Thread.sleep(LEADER_POLL_MS);
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            }
        }
    }

    private static int remainingMs(long deadline) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining));
    }

    private static org.apache.kafka.common.errors.TimeoutException timedOut(
            String name, Duration timeout, String what) {
        return new org.apache.kafka.common.errors.TimeoutException(
                "Timed out after " + timeout + " waiting for topic " + name + " " + what);
    }

    private static KafkaException asKafkaException(String message, Throwable cause) {
        // The broker's error (e.g. InvalidConfigurationException) stays reachable as the cause.
        return new KafkaException(message + ": " + cause.getMessage(), cause);
    }
}
