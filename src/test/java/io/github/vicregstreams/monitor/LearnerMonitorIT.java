package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor reads real output topics of a real (embedded) broker. */
class LearnerMonitorIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;

    private static EmbeddedKafkaBroker broker;

    private final HttpClient http = HttpClient.newHttpClient();
    private final LearnerMonitorEndpointsTest.FakeStreams streams =
            new LearnerMonitorEndpointsTest.FakeStreams();
    private final Serializer<MetricsEvent> metrics = EventSerdes.metricsEvents().serializer();
    private final Serializer<EmbeddingEvent> embeddings =
            EventSerdes.embeddingEvents().serializer();
    private LearnerMonitor monitor;
    private VicregTrainer trainer;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().optDataDir(dir.resolve("broker")).build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (trainer != null) {
            trainer.close();
        }
    }

    @Test
    void shouldShowTheHistoryAndFollowTheTopicsLive() throws Exception {
        MonitorSources sources = topics("follow");
        trainer =
                VicregTrainer.create(
                        TrainerConfig.defaults(new ModelSpec(8, 16, 8)), DeviceChoice.CPU);
        Random random = new Random(11);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // Given history on the topics before the monitor starts: 5 steps, 30 embeddings, and a
            // checkpoint with its headers
            for (int s = 1; s <= 5; s++) {
                send(producer, sources.metricsTopic(), "vicreg", metrics.serialize(null, step(s)));
            }
            for (int i = 0; i < 30; i++) {
                send(producer, sources.embeddingsTopic(), "id-" + i, embedding(i, random));
            }
            byte[] first = trainer.checkpoint();
            producer.send(
                    new ProducerRecord<>(
                            sources.modelTopic(),
                            null,
                            "vicreg",
                            first,
                            CheckpointHeaders.of(trainer.step(), trainer.spec().toString())));
            producer.flush();

            // When the monitor starts
            monitor = LearnerMonitor.start(config(), sources, streams);

            // Then it catches up and is ready, with the history
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(get("health").statusCode()).isEqualTo(200));
            monitor.analyse();
            String text = get("metrics").body();
            assertThat(text)
                    .contains("vicreg_training_steps_total 5\n")
                    .contains("vicreg_training_step 5\n")
                    .contains("vicreg_embeddings_seen_total 30\n")
                    .contains("vicreg_embedding_dimension 16\n")
                    .contains("vicreg_checkpoint_step 0\n");
            HttpResponse<byte[]> model = getBytes("model");
            assertThat(model.body()).isEqualTo(first);
            assertThat(model.headers().firstValue("X-Vicreg-Model-Spec"))
                    .hasValue(trainer.spec().toString());
            JsonNode scatter = JSON.readTree(get("api/scatter").body());
            assertThat(scatter.get("count").asInt()).isEqualTo(30);
            assertThat(scatter.get("labels").toString()).isEqualTo("[\"0\",\"1\",\"2\"]");

            // When new records arrive: a step, a checkpoint without headers (another tool's), and a
            // record that is no metrics event
            send(producer, sources.metricsTopic(), "vicreg", metrics.serialize(null, step(6)));
            trainer.step(views(random), views(random));
            byte[] second = trainer.checkpoint();
            send(producer, sources.modelTopic(), "vicreg", second);
            send(
                    producer,
                    sources.metricsTopic(),
                    "vicreg",
                    "{\"not\":\"metrics\"}".getBytes(StandardCharsets.UTF_8));
            producer.flush();

            // Then the monitor follows, reading the step from the checkpoint itself, and counts the
            // bad record
            await().atMost(TIMEOUT)
                    .untilAsserted(
                            () -> {
                                HttpResponse<byte[]> latest = getBytes("model");
                                assertThat(latest.headers().firstValue("X-Vicreg-Step"))
                                        .hasValue("1");
                                assertThat(latest.body()).isEqualTo(second);
                                assertThat(get("metrics").body())
                                        .contains("vicreg_training_step 6\n")
                                        .contains("vicreg_monitor_bad_records_total 1\n");
                            });
        }
    }

    @Test
    void shouldServeOnlyCheckpointsItVerifiedWhateverTheirHeadersSay() throws Exception {
        MonitorSources sources = topics("verify");
        trainer =
                VicregTrainer.create(
                        TrainerConfig.defaults(new ModelSpec(8, 16, 8)), DeviceChoice.CPU);
        byte[] valid = trainer.checkpoint();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // A chunked checkpoint, as the trainer writes it.
            for (CheckpointChunks.Part part :
                    CheckpointChunks.split(
                            "vicreg", valid, CheckpointHeaders.of(0, trainer.spec().toString()))) {
                producer.send(
                        new ProducerRecord<>(
                                sources.modelTopic(),
                                null,
                                part.key(),
                                part.value(),
                                part.headers()));
            }
            // 300 random bytes claiming step 999, with a CR/LF in the spec header.
            byte[] garbage = new byte[300];
            new Random(3).nextBytes(garbage);
            org.apache.kafka.common.header.Headers forged =
                    CheckpointHeaders.of(999, "784-512-256");
            forged.remove(CheckpointHeaders.MODEL_SPEC);
            forged.add(
                    CheckpointHeaders.MODEL_SPEC,
                    "x\r\nX-Evil: 1".getBytes(StandardCharsets.UTF_8));
            producer.send(
                    new ProducerRecord<>(sources.modelTopic(), null, "vicreg", garbage, forged));
            producer.flush();

            monitor = LearnerMonitor.start(config(), sources, streams);

            await().atMost(TIMEOUT)
                    .untilAsserted(
                            () ->
                                    assertThat(get("metrics").body())
                                            .contains("vicreg_monitor_bad_records_total 1\n"));
            HttpResponse<byte[]> model = getBytes("model");
            assertThat(model.statusCode()).isEqualTo(200);
            assertThat(model.body()).isEqualTo(valid);
            assertThat(model.headers().firstValue("X-Vicreg-Step")).hasValue("0");
            assertThat(model.headers().firstValue("X-Vicreg-Model-Spec")).hasValue("8-16-8");
        }
    }

    @Test
    void shouldNotBeReadyWhileAnOutputTopicIsMissing() {
        MonitorSources sources = topics("missing");
        MonitorSources withMissing =
                new MonitorSources(
                        sources.bootstrapServers(),
                        Map.of(),
                        sources.metricsTopic(),
                        sources.embeddingsTopic(),
                        "no-such-topic-" + UUID.randomUUID());
        streams.state = KafkaStreams.State.RUNNING;

        monitor = LearnerMonitor.start(config(), withMissing, streams);

        await().atMost(TIMEOUT)
                .untilAsserted(
                        () -> {
                            HttpResponse<String> health = get("health");
                            assertThat(health.statusCode()).isEqualTo(503);
                            assertThat(JSON.readTree(health.body()).get("reason").asText())
                                    .isEqualTo(
                                            "the monitor is still reading the learner's output"
                                                    + " topics (waiting for topic "
                                                    + withMissing.modelTopic()
                                                    + ")");
                        });
    }

    private static MonitorConfig config() {
        return MonitorConfig.defaults()
                .withPort(MonitorConfig.ANY_PORT)
                .withAnalysisInterval(Duration.ofHours(1));
    }

    private static MonitorSources topics(String name) {
        String prefix = "monitor-it-" + name + "-" + UUID.randomUUID();
        MonitorSources sources =
                new MonitorSources(
                        broker.bootstrapServers(),
                        Map.of(),
                        prefix + ".metrics",
                        prefix + ".embeddings",
                        prefix + ".model");
        broker.createTopic(sources.metricsTopic(), 1, Map.of(), TIMEOUT);
        broker.createTopic(sources.embeddingsTopic(), 2, Map.of(), TIMEOUT);
        broker.createTopic(sources.modelTopic(), 1, Map.of("cleanup.policy", "compact"), TIMEOUT);
        return sources;
    }

    private static MetricsEvent step(long step) {
        return new MetricsEvent(
                step,
                System.currentTimeMillis(),
                16,
                20.0 / step,
                0.1,
                1.0,
                0.5,
                0.2,
                0.7,
                900,
                true);
    }

    private byte[] embedding(int i, Random random) {
        float[] values = new float[16];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) random.nextGaussian();
        }
        return embeddings.serialize(
                null,
                new EmbeddingEvent(
                        "id-" + i,
                        values,
                        0,
                        EmbeddingEvent.Source.TRAINING,
                        System.currentTimeMillis(),
                        Metadata.of("{\"label\":" + (i % 3) + "}")));
    }

    private static float[][] views(Random random) {
        float[][] batch = new float[4][8];
        for (float[] row : batch) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return batch;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(monitor.url().resolve(URI.create(path))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getBytes(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(monitor.url().resolve(URI.create(path))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
