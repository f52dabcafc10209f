package io.github.vicregstreams.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop and restart: each test runs brokers of its own. */
class EmbeddedKafkaBrokerLifecycleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir Path tempDir;

    @Test
    void shouldKeepTopicsAndRecordsWhenRestartedOnTheSameDataDir() throws Exception {
        Path dataDir = tempDir.resolve("kafka");
        String topic = TestClients.uniqueName("durable");
        String clusterIdBefore;

        // Given a broker that created a topic and stored a record, then stopped
        try (EmbeddedKafkaBroker first =
                EmbeddedKafkaBroker.builder().optDataDir(dataDir).build().start()) {
            first.createTopic(topic, 1, Map.of(), TIMEOUT);
            try (KafkaProducer<String, byte[]> producer =
                    TestClients.producer(first.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>(topic, "id", "kept".getBytes(UTF_8))).get();
            }
            clusterIdBefore = clusterId(first);
        }
        assertThat(dataDir.resolve(EmbeddedKafkaBroker.META_PROPERTIES)).exists();

        // When a new broker starts on the same directory
        try (EmbeddedKafkaBroker second =
                EmbeddedKafkaBroker.builder().optDataDir(dataDir).build().start()) {
            // Then it is the same cluster, with the topic and its record
            assertThat(clusterId(second)).isEqualTo(clusterIdBefore);
            assertThat(second.createTopic(topic, 1, Map.of(), TIMEOUT)).isFalse();
            List<ConsumerRecord<String, byte[]>> records =
                    TestClients.consume(
                            second.bootstrapServers(), topic, 1, TIMEOUT, "read_uncommitted");
            assertThat(records)
                    .extracting(r -> new String(r.value(), UTF_8))
                    .containsExactly("kept");
        }
    }

    @Test
    void shouldListenOnAFreePortWhenTheRequestedPortIsTaken() throws Exception {
        try (ServerSocket occupant = new ServerSocket()) {
            occupant.bind(
                    new InetSocketAddress(InetAddress.getByName(EmbeddedKafkaBroker.HOST), 0));
            int taken = occupant.getLocalPort();

            try (EmbeddedKafkaBroker broker =
                    EmbeddedKafkaBroker.builder().optPort(taken).build().start()) {
                assertThat(broker.requestedPort()).isEqualTo(taken);
                assertThat(broker.port()).isNotEqualTo(taken);
                assertThat(broker.portFellBack()).isTrue();
                assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
                assertThat(clusterId(broker)).isNotBlank();
            }
        }
    }

    @Test
    void shouldListenOnTheRequestedPortWhenItIsFree() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            free = probe.getLocalPort();
        }

        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.builder().optPort(free).build().start()) {
            assertThat(broker.port()).isEqualTo(free);
            assertThat(broker.portFellBack()).isFalse();
        }
    }

    @Test
    void shouldDoNothingWhenStoppedTwice() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        assertThat(broker.isRunning()).isTrue();

        broker.stop();
        broker.stop();
        broker.close();

        assertThat(broker.isRunning()).isFalse();
    }

    @Test
    void shouldDeleteTheTemporaryDataDirWhenStopped() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        Path dataDir = broker.dataDir();
        assertThat(dataDir.resolve(EmbeddedKafkaBroker.META_PROPERTIES)).exists();

        broker.stop();

        assertThat(Files.exists(dataDir)).isFalse();
    }

    @Test
    void shouldRefuseASecondStartWhenRunning() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running at " + broker.bootstrapServers());
        }
    }

    @Test
    void shouldRefuseTopicsWhenNotRunning() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

        assertThatThrownBy(() -> broker.createTopic("t", 1, Map.of(), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThatThrownBy(broker::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call start() first");
    }

    @Test
    void shouldRejectAConfigKeyThatTheBrokerSetsItself() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().optConfig("listeners", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners is set by EmbeddedKafkaBroker itself");
    }

    @Test
    void shouldRejectAPortOutOfRange() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().optPort(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535. Got: 70000");
    }

    private static String clusterId(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            return admin.describeCluster().clusterId().get();
        }
    }
}
