package io.github.vicregstreams.it;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka cluster the integration tests run against: Testcontainers' {@link KafkaContainer} on
 * {@code apache/kafka} when a container engine answers (CI prepares podman for it), else the
 * embedded single-node KRaft broker. One per test JVM; it says which it is.
 */
abstract class KafkaBackend implements AutoCloseable {

    /**
     * The Kafka version of the clients on the classpath: the pom's {@code kafka.version}, which the
     * enforcer's dependency convergence holds to one version for clients, Streams and broker. Read
     * with Kafka's own (internal) version reader, the one its clients log at start;
     * EmbeddedKafkaBrokerVersionTest checks it against the pom.
     */
    static final String KAFKA_VERSION = AppInfoParser.getVersion();

    /**
     * The image at the pom's Kafka version; docker/prepare-podman.sh builds it without a registry,
     * from the same property.
     */
    static final DockerImageName KAFKA_IMAGE =
            DockerImageName.parse("apache/kafka:" + KAFKA_VERSION);

    private static KafkaBackend shared;

    /** What it is, for the test report. */
    abstract String description();

    abstract String bootstrapServers();

    /**
     * Makes the broker unreachable for {@code duration}, then brings it back at the same address.
     */
    abstract void outage(Duration duration) throws InterruptedException;

    @Override
    public abstract void close();

    /** The backend of this test JVM, started on first use and stopped when the JVM exits. */
    static synchronized KafkaBackend shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kafka-backend-stop"));
            System.out.println("Broker for the integration tests: " + shared.description());
        }
        return shared;
    }

    /**
     * A backend of its own, for a test that disturbs the broker (an outage can leave a single-node
     * KRaft broker fencing partitions for a while, which other tests must not inherit).
     */
    static KafkaBackend startDedicated() {
        KafkaBackend backend = start();
        System.out.println("Dedicated broker for one integration test: " + backend.description());
        return backend;
    }

    private static KafkaBackend start() {
        if (!Boolean.getBoolean("it.embedded")
                && DockerClientFactory.instance().isDockerAvailable()) {
            return new Container();
        }
        System.out.println(
                "No container engine answers (DOCKER_HOST="
                        + System.getenv("DOCKER_HOST")
                        + "): the integration tests use the embedded KRaft broker instead.");
        return new Embedded();
    }

    /** A Testcontainers KafkaContainer. */
    private static final class Container extends KafkaBackend {
        private final KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);

        Container() {
            kafka.withEnv(
                    "KAFKA_MESSAGE_MAX_BYTES",
                    String.valueOf(EmbeddedKafkaBroker.MESSAGE_MAX_BYTES));
            // As the embedded broker: timed-out transactions of a killed learner are aborted within
            // 1 s.
            kafka.withEnv(
                    "KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS", "1000");
            kafka.start();
        }

        @Override
        String description() {
            return "Testcontainers KafkaContainer "
                    + kafka.getDockerImageName()
                    + " at "
                    + kafka.getBootstrapServers();
        }

        @Override
        String bootstrapServers() {
            return kafka.getBootstrapServers();
        }

        @Override
        void outage(Duration duration) throws InterruptedException {
            var docker = DockerClientFactory.instance().client();
            docker.pauseContainerCmd(kafka.getContainerId()).exec();
            try {
                Thread.sleep(duration.toMillis());
            } finally {
                docker.unpauseContainerCmd(kafka.getContainerId()).exec();
            }
        }

        @Override
        public void close() {
            kafka.stop();
        }
    }

    /** The in-process broker; an outage stops it and starts it again on the same port and data. */
    private static final class Embedded extends KafkaBackend {
        private final Path dataDir;
        private EmbeddedKafkaBroker broker;
        private final int port;

        Embedded() {
            try {
                dataDir = Files.createTempDirectory("vicreg-it-broker");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            broker = EmbeddedKafkaBroker.builder().optDataDir(dataDir).build().start();
            port = broker.port();
        }

        @Override
        String description() {
            return "embedded KRaft broker (Kafka "
                    + KAFKA_VERSION
                    + ", in the test JVM) at "
                    + bootstrapServers();
        }

        @Override
        synchronized String bootstrapServers() {
            return EmbeddedKafkaBroker.HOST + ":" + port;
        }

        @Override
        synchronized void outage(Duration duration) throws InterruptedException {
            broker.stop();
            Thread.sleep(duration.toMillis());
            broker =
                    EmbeddedKafkaBroker.builder().optDataDir(dataDir).optPort(port).build().start();
            if (broker.port() != port) {
                throw new IllegalStateException(
                        "The broker came back on another port: " + broker.port());
            }
        }

        @Override
        public synchronized void close() {
            broker.stop();
        }
    }
}
