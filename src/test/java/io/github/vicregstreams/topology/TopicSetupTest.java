package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which topics the learner sets up, on one embedded broker for the class. */
class TopicSetupTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    /** A configuration whose topics no other test uses: the default names, prefixed. */
    private static LearnerConfig config(Map<String, Object> more) {
        String prefix = "setup-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, Object> values = new HashMap<>(more);
        values.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, 4);
        LearnerConfig.of(values)
                .topics()
                .byKey()
                .forEach((key, name) -> values.put(key, prefix + name));
        return LearnerConfig.of(values);
    }

    @Test
    void shouldCreateTheMissingTopicsOnceWithTheirSettings() throws Exception {
        LearnerConfig config = config(Map.of());
        TopicSetup setup = new TopicSetup(config);

        List<String> created = setup.apply(broker.get().bootstrapServers(), TIMEOUT);
        List<String> again = setup.apply(broker.get().bootstrapServers(), TIMEOUT);

        assertThat(created).containsExactlyElementsOf(setup.wanted().keySet());
        assertThat(again).isEmpty();
        try (Admin admin = admin()) {
            String model = config.topics().model();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, model);
            Config modelConfig = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(modelConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            assertThat(modelConfig.get(TopicConfig.SEGMENT_BYTES_CONFIG).value())
                    .isEqualTo(String.valueOf(TopicSetup.MODEL_SEGMENT_BYTES));
            assertThat(
                            admin.describeTopics(List.of(config.topics().pairs()))
                                    .allTopicNames()
                                    .get()
                                    .get(config.topics().pairs())
                                    .partitions())
                    .hasSize(1);
        }
    }

    @Test
    void shouldRefuseAnExistingPairsTopicWithSeveralPartitions() {
        LearnerConfig config = config(Map.of());
        broker.get().createTopic(config.topics().pairs(), 2, Map.of(), TIMEOUT);

        assertThatThrownBy(
                        () ->
                                new TopicSetup(config)
                                        .apply(broker.get().bootstrapServers(), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 2 partitions; the trainer needs exactly 1");
    }

    @Test
    void shouldCreateThePairEventsTopicWithOnePartitionWhenTheTrainerReadsIt() throws Exception {
        LearnerConfig config =
                config(
                        Map.of(
                                LearnerConfig.TRAIN_SOURCE_CONFIG,
                                "pair-events",
                                LearnerConfig.TOPIC_PARTITIONS_CONFIG,
                                3));

        new TopicSetup(config).apply(broker.get().bootstrapServers(), TIMEOUT);

        try (Admin admin = admin()) {
            Map<String, Integer> partitions = new HashMap<>();
            admin.describeTopics(List.of(config.topics().pairEvents(), config.topics().views()))
                    .allTopicNames()
                    .get()
                    .forEach((name, d) -> partitions.put(name, d.partitions().size()));
            assertThat(partitions)
                    .containsEntry(config.topics().pairEvents(), 1)
                    .containsEntry(config.topics().views(), 3);
        }
    }

    @Test
    void shouldRefuseAPartitionedPairEventsTopicWhenTheTrainerReadsItWithoutAdviceToDeleteIt() {
        LearnerConfig config = config(Map.of(LearnerConfig.TRAIN_SOURCE_CONFIG, "pair-events"));
        broker.get().createTopic(config.topics().pairEvents(), 2, Map.of(), TIMEOUT);

        assertThatThrownBy(
                        () ->
                                new TopicSetup(config)
                                        .apply(broker.get().bootstrapServers(), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(config.topics().pairEvents() + "' has 2 partitions")
                .hasMessageContaining("train.source=pair-events")
                .hasMessageNotContaining("Delete");
    }

    @Test
    void shouldRefuseAnExistingModelTopicTooSmallForACheckpointChunk() {
        LearnerConfig config = config(Map.of());
        broker.get()
                .createTopic(
                        config.topics().model(),
                        1,
                        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000"),
                        TIMEOUT);

        assertThatThrownBy(
                        () ->
                                new TopicSetup(config)
                                        .apply(broker.get().bootstrapServers(), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("accepts records of at most 1000 bytes");
    }

    @Test
    void shouldGiveTheAdminClientNoStreamsOnlySettingsWhenTheUserSetsSome() {
        LearnerConfig config =
                config(
                        Map.of(
                                "num.stream.threads", "2",
                                "processing.guarantee", "at_least_once",
                                "producer.compression.type", "lz4",
                                "security.protocol", "PLAINTEXT"));

        Properties props = new TopicSetup(config).adminProperties("b:9092", TIMEOUT);

        // Kafka Streams' keys made the admin client warn of every one it does not know.
        assertThat(props.stringPropertyNames())
                .filteredOn(key -> !AdminClientConfig.configNames().contains(key))
                .isEmpty();
        assertThat(props)
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "b:9092")
                .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)
                .doesNotContainKeys(
                        "num.stream.threads", "processing.guarantee", "producer.compression.type");
    }

    private static Admin admin() {
        return Admin.create(
                Map.<String, Object>of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.get().bootstrapServers()));
    }
}
