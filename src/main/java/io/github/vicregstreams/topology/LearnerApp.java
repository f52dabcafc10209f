package io.github.vicregstreams.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the learner against a Kafka cluster until stopped: sets up its topics, starts the topology,
 * and on shutdown closes cleanly (leaving the group, so that a restart takes seconds).
 *
 * <p>Usage: {@code LearnerApp [--config FILE] [key=value …]}. The command line ({@code cli}) wraps
 * this with an embedded broker; here {@code bootstrap.servers} is required.
 */
public final class LearnerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LearnerApp.class);

    /**
     * How long a clean shutdown may take in all: the trainer's last publish, a last training step
     * and a checkpoint, the last commit.
     */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The part of {@link #CLOSE_TIMEOUT} a stop may wait for the trainer to publish its unsaved
     * steps before it closes Kafka Streams: a punctuation (at most a second away), maybe a step,
     * and a checkpoint. A trainer that does not answer in time (a thread busy restoring, or stuck)
     * costs no more than this.
     */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final LearnerConfig config;
    private final KafkaStreams streams;
    private final TrainerFlush flush;

    private LearnerApp(LearnerConfig config, KafkaStreams streams, TrainerFlush flush) {
        this.config = config;
        this.streams = streams;
        this.flush = flush;
    }

    /**
     * Sets up the topics and starts the learner.
     *
     * @param config the configuration
     * @param bootstrapServers the brokers (the configured ones, or an embedded broker's)
     * @return the running learner
     * @throws KafkaException when the cluster cannot be reached or a topic cannot work
     */
    public static LearnerApp start(LearnerConfig config, String bootstrapServers) {
        new TopicSetup(config).apply(bootstrapServers, ADMIN_TIMEOUT);
        return startOnReadyTopics(config, bootstrapServers);
    }

    /**
     * Starts the learner on topics already set up ({@link TopicSetup#apply}): the command line sets
     * them up first, as its first contact with the cluster, so that one start sets them up once.
     *
     * @param config the configuration
     * @param bootstrapServers the brokers (the configured ones, or an embedded broker's)
     * @return the running learner
     */
    public static LearnerApp startOnReadyTopics(LearnerConfig config, String bootstrapServers) {
        TrainerFlush flush = new TrainerFlush();
        KafkaStreams streams =
                new KafkaStreams(
                        LearnerTopology.build(config, flush, new ClusterTopicIds()),
                        config.streamsProperties(bootstrapServers));
        streams.setUncaughtExceptionHandler(
                e -> {
                    log.error("The learner stopped on an error it cannot recover from", e);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                            .SHUTDOWN_CLIENT;
                });
        streams.start();
        log.info(
                "Learner started: application.id=[{}] bootstrap.servers=[{}] views=[{}] embeddings=[{}]",
                config.applicationId(),
                bootstrapServers,
                config.topics().views(),
                config.topics().embeddings());
        return new LearnerApp(config, streams, flush);
    }

    /**
     * The Kafka Streams instance, for its state and metrics.
     *
     * @return the instance
     */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * The configuration it runs with.
     *
     * @return the configuration
     */
    public LearnerConfig config() {
        return config;
    }

    /**
     * Stops cleanly: the trainer publishes its unsaved steps as a checkpoint, the last transaction
     * commits, and the instance leaves its group so that a restart does not wait for the session
     * time-out.
     *
     * <p>The trainer is asked to publish before Kafka Streams closes, because a closing processor
     * cannot forward: a checkpoint taken only in its {@code close()} would reach the model topic at
     * the next start. Should the trainer not answer in {@link #FLUSH_TIMEOUT}, the close goes on;
     * the checkpoint on close keeps the trained steps in the store, or, with a step unpublished on
     * its thread, the journal topic trains them again at the next start. Both waits together stay
     * within {@link #CLOSE_TIMEOUT}.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        if (streams.state().isRunningOrRebalancing()) {
            flush.request();
            if (!flush.await(FLUSH_TIMEOUT)) {
                log.warn(
                        "The trainer did not publish its last steps within {}; they reach the model"
                                + " topic at the next start",
                        FLUSH_TIMEOUT);
            }
        }
        Duration left = CLOSE_TIMEOUT.minusNanos(System.nanoTime() - started);
        streams.close(
                CloseOptions.timeout(left.isNegative() ? Duration.ZERO : left)
                        .withGroupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    /**
     * Runs until interrupted (Ctrl-C).
     *
     * @param args {@code [--config FILE] [key=value …]}
     */
    public static void main(String[] args) {
        try {
            List<String> rest = Arrays.asList(args);
            Path file = null;
            if (rest.size() >= 2 && rest.get(0).equals("--config")) {
                file = Path.of(rest.get(1));
                rest = rest.subList(2, rest.size());
            }
            LearnerConfig config = LearnerConfig.load(file, LearnerConfig.parseOverrides(rest));
            if (config.bootstrapServers().isEmpty()) {
                throw new ConfigException(
                        LearnerConfig.BOOTSTRAP_SERVERS_CONFIG
                                + " is required here; the vicreg-streams command line starts an embedded broker"
                                + " when it is empty.");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            LearnerApp app = start(config, config.bootstrapServers());
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        app.close();
                                        stopped.countDown();
                                    },
                                    "learner-shutdown"));
            stopped.await();
        } catch (KafkaException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
