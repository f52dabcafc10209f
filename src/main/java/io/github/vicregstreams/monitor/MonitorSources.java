package io.github.vicregstreams.monitor;

import io.github.vicregstreams.events.CheckpointSignature;
import java.util.Map;
import java.util.Objects;

/**
 * Where the monitor reads the learner's output: the cluster, the client settings it needs
 * (security, for example) and the three output topics.
 *
 * <p>From a learner configuration: {@code new MonitorSources(bootstrap, config.consumerConfigs(),
 * topics.metrics(), topics.embeddings(), topics.model(), config.checkpointSignature())}.
 *
 * @param bootstrapServers the brokers, host:port,…
 * @param clientSettings extra consumer settings (e.g. {@code security.protocol}); bootstrap,
 *     deserializers, isolation level and offsets are the monitor's own
 * @param metricsTopic the metrics topic
 * @param embeddingsTopic the embeddings topic
 * @param modelTopic the model (checkpoint) topic
 * @param checkpointSignature which model-topic records the monitor serves ({@code
 *     checkpoint.signing.key})
 */
public record MonitorSources(
        String bootstrapServers,
        Map<String, Object> clientSettings,
        String metricsTopic,
        String embeddingsTopic,
        String modelTopic,
        CheckpointSignature checkpointSignature) {

    /**
     * Creates sources; the settings are copied.
     *
     * @throws IllegalArgumentException if a name is blank
     */
    public MonitorSources {
        requireName("bootstrapServers", bootstrapServers);
        clientSettings = Map.copyOf(Objects.requireNonNull(clientSettings, "clientSettings"));
        requireName("metricsTopic", metricsTopic);
        requireName("embeddingsTopic", embeddingsTopic);
        requireName("modelTopic", modelTopic);
        Objects.requireNonNull(checkpointSignature, "checkpointSignature must not be null");
    }

    /**
     * Sources whose model topic is not signed ({@link CheckpointSignature#none()}).
     *
     * @param bootstrapServers the cluster
     * @param clientSettings consumer settings (security and the like)
     * @param metricsTopic the metrics topic
     * @param embeddingsTopic the embeddings topic
     * @param modelTopic the model topic
     */
    public MonitorSources(
            String bootstrapServers,
            Map<String, Object> clientSettings,
            String metricsTopic,
            String embeddingsTopic,
            String modelTopic) {
        this(
                bootstrapServers,
                clientSettings,
                metricsTopic,
                embeddingsTopic,
                modelTopic,
                CheckpointSignature.none());
    }

    private static void requireName(String what, String value) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank. Got: \"" + value + "\"");
        }
    }
}
