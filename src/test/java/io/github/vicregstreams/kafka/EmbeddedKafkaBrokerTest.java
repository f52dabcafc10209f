package io.github.vicregstreams.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One broker for the class: what clients and topics see of a running embedded broker. */
class EmbeddedKafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldDeliverARecordWhenProducedToACreatedTopic() throws Exception {
        String topic = TestClients.uniqueName("plain");
        assertThat(broker.get().createTopic(topic, 2, Map.of(), TIMEOUT)).isTrue();

        try (KafkaProducer<String, byte[]> producer =
                TestClients.producer(broker.get().bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>(topic, "id-1", "hello".getBytes(UTF_8))).get();
        }

        List<ConsumerRecord<String, byte[]>> records =
                TestClients.consume(
                        broker.get().bootstrapServers(), topic, 1, TIMEOUT, "read_uncommitted");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("id-1");
        assertThat(new String(records.get(0).value(), UTF_8)).isEqualTo("hello");
    }

    @Test
    void shouldDeliverOnlyCommittedRecordsWhenTransactionalAndReadCommitted() {
        String topic = TestClients.uniqueName("transactional");
        broker.get().createTopic(topic, 1, Map.of(), TIMEOUT);

        // Given a transaction that aborts, then one that commits
        try (KafkaProducer<String, byte[]> producer =
                TestClients.producer(
                        broker.get().bootstrapServers(),
                        Map.of(
                                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                TestClients.uniqueName("tx")))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "aborted".getBytes(UTF_8)));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c", "committed".getBytes(UTF_8)));
            producer.commitTransaction();
        }

        // Then a read_committed consumer sees only the committed record
        List<ConsumerRecord<String, byte[]>> records =
                TestClients.consume(
                        broker.get().bootstrapServers(), topic, 1, TIMEOUT, "read_committed");
        assertThat(records)
                .extracting(r -> new String(r.value(), UTF_8))
                .containsExactly("committed");
    }

    @Test
    void shouldDeliverAFiveMegabyteRecordWhenTheTopicAndProducerAllowIt() throws Exception {
        int size = 5 * 1024 * 1024;
        int limit = 8 * 1024 * 1024;
        String topic = TestClients.uniqueName("large");
        broker.get()
                .createTopic(
                        topic, 1, Map.of("max.message.bytes", Integer.toString(limit)), TIMEOUT);
        byte[] value = new byte[size];
        new Random(7).nextBytes(value);

        try (KafkaProducer<String, byte[]> producer =
                TestClients.producer(
                        broker.get().bootstrapServers(),
                        Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limit))) {
            producer.send(new ProducerRecord<>(topic, "checkpoint", value)).get();
        }

        List<ConsumerRecord<String, byte[]>> records =
                TestClients.consume(
                        broker.get().bootstrapServers(), topic, 1, TIMEOUT, "read_uncommitted");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).isEqualTo(value);
    }

    @Test
    void shouldReturnFalseAndKeepTheTopicWhenItExists() {
        String topic = TestClients.uniqueName("twice");

        boolean first = broker.get().createTopic(topic, 3, Map.of(), TIMEOUT);
        boolean second = broker.get().createTopic(topic, 3, Map.of(), TIMEOUT);

        assertThat(first).isTrue();
        assertThat(second).isFalse();
    }

    @Test
    void shouldThrowWithTheBrokersReasonWhenATopicConfigIsInvalid() {
        String topic = TestClients.uniqueName("invalid");

        assertThatThrownBy(
                        () ->
                                broker.get()
                                        .createTopic(
                                                topic,
                                                1,
                                                Map.of("max.message.bytes", "lots"),
                                                TIMEOUT))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("Cannot create topic " + topic)
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void shouldRunWithSingleNodeSettingsWhenStarted() throws Exception {
        Config config;
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.get().bootstrapServers()))) {
            ConfigResource node =
                    new ConfigResource(
                            ConfigResource.Type.BROKER, Integer.toString(SingleNodeConfig.NODE_ID));
            config = admin.describeConfigs(List.of(node)).all().get().get(node);
        }

        assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
        assertThat(config.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
        assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("1");
        assertThat(config.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");
        assertThat(config.get("share.coordinator.state.topic.replication.factor").value())
                .isEqualTo("1");
        assertThat(config.get("share.coordinator.state.topic.min.isr").value()).isEqualTo("1");
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        assertThat(config.get("message.max.bytes").value())
                .isEqualTo(Integer.toString(EmbeddedKafkaBroker.MESSAGE_MAX_BYTES));
        assertThat(config.get("listeners").value())
                .contains("//127.0.0.1:")
                .doesNotContain("0.0.0.0");
    }

    @Test
    void shouldNotCreateATopicWhenAProducerWritesToAnUnknownOne() {
        String topic = TestClients.uniqueName("unknown");

        try (KafkaProducer<String, byte[]> producer =
                TestClients.producer(
                        broker.get().bootstrapServers(),
                        Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            assertThatThrownBy(
                            () ->
                                    producer.send(new ProducerRecord<>(topic, "k", new byte[1]))
                                            .get())
                    .hasMessageContaining(topic);
        }
    }
}
