package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium, showing a real learner (embedded broker, Kafka
 * Streams, DJL) training on labelled clusters. Keeps {@code monitor-dashboard.png} and the rendered
 * DOM in the build directory.
 */
class DashboardChromiumIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INPUT_DIM = 16;
    private static final int CLASSES = 6;
    private static final int PAIRS = 1_500;
    private static final String[] CHARTS = {
        "chart-loss",
        "chart-invariance",
        "chart-variance",
        "chart-covariance",
        "chart-std",
        "chart-throughput",
        "chart-rank",
        "chart-scatter"
    };

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedKafkaBroker broker;
    private LearnerApp learner;
    private LearnerMonitor monitor;

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (learner != null) {
            learner.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void shouldDrawEveryChartWithDataFromARunningLearner() throws Exception {
        Chromium chromium = Chromium.findOrInstall();

        // Given a running learner and its monitor
        broker = EmbeddedKafkaBroker.builder().optDataDir(dir.resolve("broker")).build().start();
        String bootstrap = broker.bootstrapServers();
        LearnerConfig config = config("dashboard-it-" + UUID.randomUUID());
        learner = LearnerApp.start(config, bootstrap);
        Topics topics = config.topics();
        monitor =
                LearnerMonitor.start(
                        MonitorConfig.defaults()
                                .withPort(MonitorConfig.ANY_PORT)
                                .withAnalysisInterval(Duration.ofMillis(500)),
                        new MonitorSources(
                                bootstrap,
                                Map.of(),
                                topics.metrics(),
                                topics.embeddings(),
                                topics.model()),
                        StreamsView.of(learner.streams()));

        // When labelled pairs of views arrive and the learner trains on them
        producePairs(bootstrap, topics.views());
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            assertThat(get("health").statusCode()).isEqualTo(200);
                            JsonNode summary =
                                    JSON.readTree(get("api/series").body()).get("summary");
                            assertThat(summary.get("steps").asLong()).isGreaterThanOrEqualTo(10);
                            assertThat(summary.get("checkpointStep").isNull()).isFalse();
                            assertThat(summary.get("effectiveRank").isNull()).isFalse();
                            JsonNode rank =
                                    JSON.readTree(get("api/series").body()).at("/rank/value");
                            assertThat(rank.size()).isGreaterThanOrEqualTo(2);
                            assertThat(
                                            JSON.readTree(get("api/scatter").body())
                                                    .get("count")
                                                    .asInt())
                                    .isGreaterThanOrEqualTo(200);
                        });

        // Then Chromium renders the page and every chart is filled
        Path buildDir = buildDirectory();
        String dom = chromium.load(profile("dom"), monitor.url().toString(), TIMEOUT, "--dump-dom");
        Files.writeString(buildDir.resolve("monitor-dashboard.html"), dom);
        for (String chart : CHARTS) {
            assertThat(points(dom, chart)).as("points drawn in %s", chart).isGreaterThan(0);
        }
        assertThat(points(dom, "chart-scatter")).isGreaterThanOrEqualTo(200);
        assertThat(dom).contains("id=\"status\" data-state=\"ready\"");
        assertThat(dom).containsPattern("data-updates=\"[1-9]");
        assertThat(dom).contains("<span class=\"swatch\"");

        // and the screenshot is kept
        Path screenshot = buildDir.resolve("monitor-dashboard.png");
        Files.deleteIfExists(screenshot);
        chromium.load(
                profile("png"), monitor.url().toString(), TIMEOUT, "--screenshot=" + screenshot);
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static int points(String dom, String chart) {
        Matcher m = Pattern.compile("id=\"" + chart + "\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
        if (!m.find()) {
            throw new AssertionError("No figure " + chart + " in the rendered page");
        }
        return Integer.parseInt(m.group(1));
    }

    private Path profile(String name) throws Exception {
        return Files.createDirectories(dir.resolve("chromium-" + name).resolve("profile"));
    }

    /** target/ (or the -Dbuild.dir one): the parent of test-classes. */
    private static Path buildDirectory() throws Exception {
        return Path.of(
                        DashboardChromiumIT.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                .getParent();
    }

    private LearnerConfig config(String prefix) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, INPUT_DIM);
        settings.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 32);
        settings.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 16);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        settings.put(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 32);
        settings.put(LearnerConfig.TRAIN_BATCH_WINDOW_MS_CONFIG, 1_000L);
        settings.put(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 5);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        for (String key : topicKeys()) {
            settings.put(key, prefix + "." + key.substring("topic.".length()));
        }
        return LearnerConfig.of(settings);
    }

    private static String[] topicKeys() {
        return new String[] {
            LearnerConfig.TOPIC_VIEWS_CONFIG,
            LearnerConfig.TOPIC_SAMPLES_CONFIG,
            LearnerConfig.TOPIC_EMBEDDINGS_CONFIG,
            LearnerConfig.TOPIC_METRICS_CONFIG,
            LearnerConfig.TOPIC_DEAD_LETTERS_CONFIG,
            LearnerConfig.TOPIC_MODEL_CONFIG,
            LearnerConfig.TOPIC_PAIRS_CONFIG
        };
    }

    /** Pairs of noisy views of points around one of a few class centres, labelled by class. */
    private static void producePairs(String bootstrap, String topic) {
        Random random = new Random(17);
        float[][] centres = new float[CLASSES][INPUT_DIM];
        for (float[] centre : centres) {
            for (int j = 0; j < INPUT_DIM; j++) {
                centre[j] = (float) (2 * random.nextGaussian());
            }
        }
        Serializer<ViewEvent> views =
                EventSerdes.viewEvents(
                                FeatureEventParser.views(INPUT_DIM), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < PAIRS; i++) {
                int label = i % CLASSES;
                float[] sample = new float[INPUT_DIM];
                for (int j = 0; j < INPUT_DIM; j++) {
                    sample[j] = centres[label][j] + (float) (0.3 * random.nextGaussian());
                }
                String id = "s" + i;
                Metadata metadata = Metadata.of("{\"label\":\"" + label + "\"}");
                for (int view = 0; view < 2; view++) {
                    float[] features = new float[INPUT_DIM];
                    for (int j = 0; j < INPUT_DIM; j++) {
                        features[j] = sample[j] + (float) (0.2 * random.nextGaussian());
                    }
                    ViewEvent event = new ViewEvent(id, view, features, now + i, metadata);
                    producer.send(new ProducerRecord<>(topic, id, views.serialize(topic, event)));
                }
            }
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(monitor.url().resolve(URI.create(path))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
