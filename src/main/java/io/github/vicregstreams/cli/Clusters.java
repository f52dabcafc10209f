package io.github.vicregstreams.cli;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.TopicSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/** Reaching a cluster from the command line: a bounded first contact, and the embedded broker. */
final class Clusters {

    /** How long the command line waits for a cluster to answer before giving up. */
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 15;

    /** The port {@code run} and {@code broker} ask for; a free one when it is taken. */
    static final int DEFAULT_BROKER_PORT = 9092;

    /** Where {@code run} and {@code broker} keep data by default. */
    static final Path DEFAULT_DATA_DIR = Path.of("vicreg-data");

    private Clusters() {}

    /**
     * Creates the learner's missing topics (and checks the others), waiting at most {@code timeout}
     * for the cluster: the first contact, so an unreachable cluster fails fast and clearly.
     *
     * @return the topics created
     * @throws KafkaException saying which cluster could not be used and what to check
     */
    static List<String> setUpTopics(
            LearnerConfig config, String bootstrapServers, Duration timeout) {
        TopicSetup setup = new TopicSetup(config);
        Admin admin;
        try {
            admin = Admin.create(setup.adminProperties(bootstrapServers, timeout));
        } catch (KafkaException e) {
            throw new KafkaException(
                    "Cannot connect to Kafka at "
                            + bootstrapServers
                            + ": "
                            + ErrorHandler.oneLine(e),
                    e);
        }
        try {
            return setup.apply(admin, timeout);
        } catch (KafkaException e) {
            throw new KafkaException(setUpFailure(bootstrapServers, timeout, e), e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * Says what went wrong in words that point at the fix: refused credentials and missing ACLs are
     * not a broker that "did not answer".
     */
    static String setUpFailure(String bootstrapServers, Duration timeout, KafkaException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return "Kafka at "
                        + bootstrapServers
                        + " refused to authenticate this client ("
                        + rootMessage(e)
                        + "). Check security.protocol, sasl.mechanism and sasl.jaas.config (or the SSL"
                        + " settings).";
            }
            if (cause instanceof AuthorizationException) {
                return "Kafka at "
                        + bootstrapServers
                        + " does not allow this client to set up the learner's topics ("
                        + rootMessage(e)
                        + "). Grant it Describe and Create on the topics, or create them beforehand.";
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                    || cause instanceof java.util.concurrent.TimeoutException) {
                break;
            }
        }
        return "Kafka at "
                + bootstrapServers
                + " did not answer within "
                + timeout.toSeconds()
                + " s ("
                + rootMessage(e)
                + "). Check bootstrap.servers and that the broker runs; leave bootstrap.servers"
                + " empty to start an embedded broker.";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Starts an embedded broker and says where it listens. */
    static EmbeddedKafkaBroker startBroker(Path dataDir, int port, PrintWriter out) {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().optPort(port);
        if (dataDir != null) {
            builder.optDataDir(dataDir);
        }
        EmbeddedKafkaBroker broker = builder.build().start();
        out.println(
                "Embedded Kafka broker listening on "
                        + broker.bootstrapServers()
                        + (broker.portFellBack() ? " (port " + port + " was taken)" : "")
                        + ", data in "
                        + broker.dataDir());
        out.flush();
        return broker;
    }
}
