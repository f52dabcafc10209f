package io.github.vicregstreams.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The whole config of the single node: roles, node id, listeners and directories derived from its
 * ports and data directory, then {@link SingleNodeDefaults}, then the caller's overrides.
 */
final class SingleNodeConfig {

    /** The node id of the single node; stored in the data directory when it is formatted. */
    static final int NODE_ID = 1;

    /** The listener clients connect to. */
    static final String CLIENT_LISTENER = "PLAINTEXT";

    /** The listener of the KRaft controller, which the storage format records too. */
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Keys derived here; overriding them would break the node. */
    private static final Set<String> MANAGED_KEYS =
            Set.of(
                    "process.roles",
                    "node.id",
                    "controller.quorum.voters",
                    "controller.quorum.bootstrap.servers",
                    "controller.listener.names",
                    "listeners",
                    "advertised.listeners",
                    "listener.security.protocol.map",
                    "inter.broker.listener.name",
                    "log.dir",
                    "log.dirs",
                    "metadata.log.dir");

    private SingleNodeConfig() {}

    /**
     * Refuses an override of a key this class derives.
     *
     * @throws IllegalArgumentException if {@code key} is one of them
     */
    static void requireOverridable(String key) {
        if (MANAGED_KEYS.contains(key)) {
            throw new IllegalArgumentException(
                    "Broker config "
                            + key
                            + " is set by EmbeddedKafkaBroker itself; use optPort or optDataDir instead");
        }
    }

    /** The broker properties for {@code KafkaConfig.fromProps}. */
    static Properties properties(
            int clientPort, int controllerPort, Path dataDir, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put(
                "controller.quorum.voters",
                NODE_ID + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put(
                "listeners",
                listener(CLIENT_LISTENER, clientPort)
                        + ","
                        + listener(CONTROLLER_LISTENER, controllerPort));
        config.put("advertised.listeners", listener(CLIENT_LISTENER, clientPort));
        config.put(
                "listener.security.protocol.map",
                CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("inter.broker.listener.name", CLIENT_LISTENER);
        config.put("log.dirs", dataDir.toString());
        config.putAll(SingleNodeDefaults.CONFIG);
        config.putAll(overrides);
        Properties props = new Properties();
        props.putAll(config);
        return props;
    }

    private static String listener(String name, int port) {
        return name + "://" + EmbeddedKafkaBroker.HOST + ":" + port;
    }
}
