package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a command reaches its cluster: {@code --connect-timeout}, and the default address. */
final class ConnectionOptions {

    /** Where commands send without {@code --bootstrap-servers} or bootstrap.servers. */
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:" + Clusters.DEFAULT_BROKER_PORT;

    @Option(
            names = "--connect-timeout",
            paramLabel = "SECONDS",
            description = "How long to wait for the cluster at start. Default: ${DEFAULT-VALUE}.")
    int connectTimeoutSeconds = Clusters.DEFAULT_CONNECT_TIMEOUT_SECONDS;

    Duration connectTimeout() {
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    /**
     * The cluster: {@code --bootstrap-servers} when given, else bootstrap.servers of the settings,
     * else {@link #DEFAULT_BOOTSTRAP} (where {@code vicreg-streams broker} listens).
     *
     * @param option the value of {@code --bootstrap-servers}, or null
     */
    static String bootstrapServers(String option, LearnerConfig config) {
        if (option != null) {
            return option;
        }
        return config.bootstrapServers().isEmpty() ? DEFAULT_BOOTSTRAP : config.bootstrapServers();
    }
}
