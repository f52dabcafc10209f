package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The trainer's look-up of its journal topic's ID, on one embedded broker for the class. */
class ClusterTopicIdsTest {

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static Map<String, Object> appConfigs(String bootstrapServers) {
        return Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG,
                "topic-ids-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers);
    }

    private static Admin admin() {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.get().bootstrapServers()));
    }

    @Test
    void shouldGiveATopicCreatedAgainAnotherId() throws Exception {
        String topic = "ids-" + UUID.randomUUID();
        ClusterTopicIds ids = new ClusterTopicIds(Duration.ofSeconds(30));
        Map<String, Object> configs = appConfigs(broker.get().bootstrapServers());
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            Uuid first = ids.of(configs, topic);
            Uuid described =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get(topic)
                            .topicId();

            assertThat(first).isEqualTo(described).isNotEqualTo(Uuid.ZERO_UUID);
            assertThat(ids.of(configs, topic)).isEqualTo(first);
        }
    }

    @Test
    void shouldSayUnknownForATopicTheClusterDoesNotHave() {
        ClusterTopicIds ids = new ClusterTopicIds(Duration.ofSeconds(30));

        Uuid id =
                ids.of(appConfigs(broker.get().bootstrapServers()), "no-such-" + UUID.randomUUID());

        assertThat(id).isEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void shouldSayUnknownWithinItsTimeOutWhenNoClusterAnswers() {
        ClusterTopicIds ids = new ClusterTopicIds(Duration.ofSeconds(1));
        long started = System.nanoTime();

        // Port 9 (discard): nothing listens on loopback there.
        Uuid id = ids.of(appConfigs("localhost:9"), "any");

        assertThat(id).isEqualTo(Uuid.ZERO_UUID);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(20));
    }
}
