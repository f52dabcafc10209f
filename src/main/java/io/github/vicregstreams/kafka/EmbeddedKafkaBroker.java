package io.github.vicregstreams.kafka;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) running in this JVM,
 * built from Kafka's own server classes.
 *
 * <p>It is what the application starts when no bootstrap servers are configured, and what the
 * integration tests run against. It listens on {@value #HOST} only, keeps its log in a data
 * directory that survives restarts (or in a temporary one deleted on {@link #stop()}), and is
 * configured for one node: every internal topic has replication factor 1, so that consumer groups
 * and exactly-once transactions work (without these settings an exactly-once application hangs
 * silently). Topics are not created automatically: the application creates its own with {@link
 * #createTopic}.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
 *     .optDataDir(Path.of("data/kafka"))
 *     .build()
 *     .start()) {
 *   broker.createTopic("views", 3, Map.of(), Duration.ofSeconds(30));
 *   // clients use broker.bootstrapServers()
 * }
 * }</pre>
 *
 * <p>The server classes ({@code kafka.server.KafkaRaftServer}, {@code KafkaConfig}, the storage
 * {@code Formatter}) are Kafka internals: re-run this package's tests on every Kafka upgrade.
 *
 * <p>This class runs the start/stop lifecycle; its parts live beside it: the node's config ({@code
 * SingleNodeConfig}, {@code SingleNodeDefaults}), the storage format ({@code StorageFormatter}),
 * the data directory ({@code BrokerDataDir}), the ports ({@code LocalPorts}) and the wait for the
 * first answer ({@code BrokerReadiness}).
 *
 * <p>Thread-safe: {@link #start()} and {@link #stop()} are serialized.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The only address the broker listens on. */
    public static final String HOST = "127.0.0.1";

    /** The port value that asks for any free port. */
    public static final int ANY_PORT = 0;

    /**
     * The largest record batch the broker accepts, in bytes: 64 MiB ({@code message.max.bytes}).
     *
     * <p>Generous: the learner's largest records (dead letters and waiting views of up to 8 MiB, in
     * requests of up to 16 MiB) are over Kafka's 1 MiB default; checkpoints travel in 768 KiB
     * chunks of any model size.
     */
    public static final int MESSAGE_MAX_BYTES = 64 * 1024 * 1024;

    /** How long {@link #start()} waits by default for the broker to answer. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    /** The file whose presence marks a formatted data directory. */
    static final String META_PROPERTIES = "meta.properties";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path configuredDataDir;
    private final int requestedPort;
    private final Duration startTimeout;
    private final Map<String, String> overrides;

    // Guarded by this.
    private KafkaRaftServer server;
    private Admin admin;
    private BrokerDataDir dataDir;
    private int port = -1;

    private EmbeddedKafkaBroker(Builder builder) {
        this.configuredDataDir = builder.dataDir;
        this.requestedPort = builder.port;
        this.startTimeout = builder.startTimeout;
        this.overrides = Map.copyOf(builder.overrides);
    }

    /**
     * Starts a builder; without options the broker uses a temporary data directory and a free port.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and blocks until it answers a {@code describeCluster} request.
     *
     * <p>The data directory is formatted only when it holds no {@value #META_PROPERTIES}, so a
     * restart on the same directory keeps its topics and records. When the requested port is taken,
     * the broker listens on a free one instead and logs a warning: read {@link #port()} or {@link
     * #bootstrapServers()} after the start, and {@link #portFellBack()} to know.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if the broker is already running, or does not answer within the
     *     start timeout (it is stopped again then)
     * @throws UncheckedIOException if the data directory cannot be created or formatted
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException(
                    "The broker is already running at " + bootstrapServers());
        }
        long startNanos = System.nanoTime();
        try {
            dataDir = BrokerDataDir.prepare(configuredDataDir);
            port = LocalPorts.choose(requestedPort);
            int controllerPort = LocalPorts.freeOtherThan(port);
            KafkaConfig config =
                    KafkaConfig.fromProps(
                            SingleNodeConfig.properties(
                                    port, controllerPort, dataDir.path(), overrides),
                            false);
            StorageFormatter.formatIfMissing(
                    dataDir.path(), SingleNodeConfig.NODE_ID, SingleNodeConfig.CONTROLLER_LISTENER);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            admin =
                    Admin.create(
                            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
            BrokerReadiness.await(
                    admin,
                    startTimeout.toMillis()
                            - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                    this::notAnsweringMessage);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info(
                "Embedded Kafka broker started: bootstrapServers=[{}] dataDir=[{}] startMs=[{}]",
                bootstrapServers(),
                dataDir.path(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return this;
    }

    private String notAnsweringMessage() {
        return "The embedded broker did not answer within the start timeout of "
                + startTimeout
                + " at "
                + bootstrapServers()
                + " (data directory "
                + dataDir.path()
                + ")";
    }

    /**
     * Stops the broker and waits until it has shut down; does nothing when it is not running.
     *
     * <p>Safe to call twice. A temporary data directory is deleted; a configured one is kept.
     */
    public synchronized void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (server != null) {
            KafkaRaftServer stopping = server;
            server = null;
            try {
                stopping.shutdown();
                stopping.awaitShutdown();
            } catch (RuntimeException e) {
                log.warn(
                        "The embedded broker did not shut down cleanly: dataDir=[{}]",
                        dataDir.path(),
                        e);
            }
            log.info("Embedded Kafka broker stopped: dataDir=[{}]", dataDir.path());
        }
        if (dataDir != null) {
            dataDir.deleteIfTemporary();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Whether the broker is running.
     *
     * @return true between a successful {@link #start()} and {@link #stop()}
     */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * The address clients connect to, e.g. {@code 127.0.0.1:41234}.
     *
     * @return the {@code bootstrap.servers} value
     * @throws IllegalStateException if the broker has never been started
     */
    public synchronized String bootstrapServers() {
        return HOST + ":" + port();
    }

    /**
     * The port the broker listens on for clients: the requested one, or a free one when it was 0 or
     * taken.
     *
     * @return the client port
     * @throws IllegalStateException if the broker has never been started
     */
    public synchronized int port() {
        if (port < 0) {
            throw new IllegalStateException("The broker has not been started: call start() first");
        }
        return port;
    }

    /**
     * The port asked for in the builder.
     *
     * @return the requested port, {@value #ANY_PORT} for any free port
     */
    public int requestedPort() {
        return requestedPort;
    }

    /**
     * Whether the requested port was taken at the last start, so the broker took a free one.
     *
     * @return true if {@link #port()} differs from a specific {@link #requestedPort()}
     * @throws IllegalStateException if the broker has never been started
     */
    public synchronized boolean portFellBack() {
        return requestedPort != ANY_PORT && port() != requestedPort;
    }

    /**
     * The directory holding the broker's log and metadata.
     *
     * @return the absolute data directory of the last start
     * @throws IllegalStateException if the broker has never been started
     */
    public synchronized Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("The broker has not been started: call start() first");
        }
        return dataDir.path();
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader; does
     * nothing but that wait when the topic exists.
     *
     * @param name the topic name
     * @param partitions the number of partitions, at least 1
     * @param configs topic configs, e.g. {@code max.message.bytes} or {@code cleanup.policy}
     * @param timeout how long to wait in all
     * @return true if this call created the topic, false if it existed
     * @throws IllegalStateException if the broker is not running
     * @throws IllegalArgumentException if {@code partitions} is below 1 or the timeout not positive
     * @throws org.apache.kafka.common.errors.TimeoutException if the topic is not ready in time
     * @throws org.apache.kafka.common.KafkaException if the broker refuses the topic, with the
     *     broker's error (e.g. {@code InvalidConfigurationException}) as the cause
     */
    public boolean createTopic(
            String name, int partitions, Map<String, String> configs, Duration timeout) {
        Admin current;
        synchronized (this) {
            if (admin == null) {
                throw new IllegalStateException(
                        "The broker is not running: start() it before creating topic " + name);
            }
            current = admin;
        }
        return TopicCreator.createIfAbsent(current, name, partitions, configs, timeout);
    }

    /** Options of an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {

        private Path dataDir;
        private int port = ANY_PORT;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Keeps the broker's log in {@code dataDir}, created if missing, so that topics and records
         * survive a restart. The broker owns this directory: give it one of its own. Without this
         * option the broker uses a temporary directory, deleted when it stops.
         *
         * @param dataDir the data directory
         * @return this builder
         */
        public Builder optDataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir must not be null");
            return this;
        }

        /**
         * Asks for a client port. When it is taken at start, the broker uses a free port instead.
         *
         * @param port 1 to 65535, or {@value #ANY_PORT} for any free port (the default)
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range
         */
        public Builder optPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(
                        "port must be between 0 and 65535. Got: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * How long {@link #start()} waits for the broker to answer; default {@link
         * #DEFAULT_START_TIMEOUT}.
         *
         * @param startTimeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if the duration is not positive
         */
        public Builder optStartTimeout(Duration startTimeout) {
            Objects.requireNonNull(startTimeout, "startTimeout must not be null");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "startTimeout must be positive. Got: " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Sets one broker config, e.g. {@code log.retention.hours}, over this class's defaults.
         *
         * @param key a broker config key other than the listener, node and directory keys
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException if the key is one the broker derives itself
         */
        public Builder optConfig(String key, String value) {
            Objects.requireNonNull(key, "key must not be null");
            Objects.requireNonNull(value, "value must not be null");
            SingleNodeConfig.requireOverridable(key);
            overrides.put(key, value);
            return this;
        }

        /**
         * Builds the broker, not yet started.
         *
         * @return the broker
         */
        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
