package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The container path works end to end: Testcontainers starts {@code apache/kafka} at the pom's
 * Kafka version, and a transactional producer and a read_committed consumer talk to it. Skipped,
 * not failed, where no container engine answers (see docker/README.md for podman on machines
 * without Docker).
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerSmokeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The broker at the pom's {@code kafka.version}, as the other integration tests use it. */
    @Container static final KafkaContainer KAFKA = new KafkaContainer(KafkaBackend.KAFKA_IMAGE);

    @BeforeAll
    static void sayWhichBroker() {
        System.out.printf(
                "Broker: Testcontainers KafkaContainer, image %s (%s), at %s%n",
                KAFKA.getDockerImageName(),
                KAFKA.getContainerInfo().getImageId(),
                KAFKA.getBootstrapServers());
    }

    @Test
    void shouldDeliverOnlyCommittedRecordsWhenTransactionalAndReadCommitted() throws Exception {
        String topic = "smoke-" + UUID.randomUUID();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KAFKA.getBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }

        // Given a transaction that aborts, then one that commits
        try (KafkaProducer<String, String> producer = producer("tx-" + UUID.randomUUID())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c", "committed"));
            producer.commitTransaction();
        }

        // When a read_committed consumer reads the topic from the start
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                readCommittedConsumer("group-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT)
                    .untilAsserted(
                            () -> {
                                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                                assertThat(seen).isNotEmpty();
                            });
            consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
        }

        // Then it sees the committed record only
        assertThat(seen)
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(tuple("c", "committed"));
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<String, String> readCommittedConsumer(String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(props);
    }
}
