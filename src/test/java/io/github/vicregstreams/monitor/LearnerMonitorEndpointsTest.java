package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.MetricsEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each endpoint over real HTTP, with a fake Kafka Streams instance and events fed directly. */
class LearnerMonitorEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW_MS = 1_700_000_000_000L;

    private final FakeStreams streams = new FakeStreams();
    private final HttpClient http = HttpClient.newHttpClient();
    private LearnerMonitor monitor;
    private MonitorModel model;

    @BeforeEach
    void start() {
        MonitorConfig config =
                MonitorConfig.defaults()
                        .withPort(MonitorConfig.ANY_PORT)
                        // The test runs the analysis itself.
                        .withAnalysisInterval(Duration.ofHours(1));
        monitor =
                LearnerMonitor.startDetached(
                        config, streams, Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC));
        model = monitor.model();
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    // ---- /health

    @Test
    void shouldAnswerNotReadyWithTheStreamsStateWhileRebalancing() throws Exception {
        streams.state = KafkaStreams.State.REBALANCING;
        model.setReader(MonitorModel.ReaderState.LIVE, "following");

        HttpResponse<String> response = get("health");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("not ready");
        assertThat(body.get("reason").asText()).isEqualTo("Kafka Streams is REBALANCING");
        assertThat(body.get("live").asBoolean()).isTrue();
        assertThat(get("health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerNotReadyWhileTheMonitorReadsTheHistory() throws Exception {
        model.setReader(MonitorModel.ReaderState.CATCHING_UP, "reading the recent history");

        HttpResponse<String> response = get("health");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).get("reason").asText())
                .isEqualTo(
                        "the monitor is still reading the learner's output topics (reading the"
                                + " recent history)");
    }

    @Test
    void shouldAnswerReadyWhenStreamsRunsAndTheMonitorFollowsTheTopics() throws Exception {
        model.setReader(MonitorModel.ReaderState.LIVE, "following");
        model.addMetrics(step(3, true));

        HttpResponse<String> response = get("health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.has("reason")).isFalse();
        assertThat(body.get("streamsState").asText()).isEqualTo("RUNNING");
        assertThat(body.at("/trainer/step").asLong()).isEqualTo(3);
        assertThat(body.at("/trainer/collapse/warning").asBoolean()).isFalse();
    }

    @Test
    void shouldAnswerDownWhenKafkaStreamsFailed() throws Exception {
        streams.state = KafkaStreams.State.ERROR;

        HttpResponse<String> health = get("health");
        HttpResponse<String> live = get("health/live");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("down");
        assertThat(JSON.readTree(health.body()).get("reason").asText())
                .isEqualTo("Kafka Streams is ERROR");
        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(live.body()).get("live").asBoolean()).isFalse();
    }

    @Test
    void shouldAnswerNotReadyWhenTheTrainerKeepsSkippingSteps() throws Exception {
        model.setReader(MonitorModel.ReaderState.LIVE, "following");
        model.addMetrics(step(1, true));
        for (int s = 2; s < 2 + MonitorConfig.DEFAULT_MAX_SKIPPED_STEPS; s++) {
            model.addMetrics(step(s, false));
        }

        HttpResponse<String> response = get("health");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).get("reason").asText())
                .isEqualTo(
                        "the trainer skipped the last 10 steps (non-finite loss): the model is not"
                                + " learning; see the learner's log");
    }

    @Test
    void shouldAnswerNotReadyWhenTheMonitorCannotReadTheTopics() throws Exception {
        model.setReader(MonitorModel.ReaderState.FAILED, "AuthorizationException: denied");

        assertThat(JSON.readTree(get("health").body()).get("reason").asText())
                .isEqualTo(
                        "the monitor cannot read the learner's output topics:"
                                + " AuthorizationException: denied");
    }

    // ---- /metrics

    @Test
    void shouldExposeTheTrainingMeasurementsInPrometheusTextFormat() throws Exception {
        // Given two steps, the second skipped, embeddings along two axes and a checkpoint 30 s old
        model.setReader(MonitorModel.ReaderState.LIVE, "following");
        model.addMetrics(
                new MetricsEvent(
                        7, NOW_MS - 2_000, 64, 30.5, 0.5, 1.25, 0.125, 0.05, 0.8, 1234.5, true));
        model.addMetrics(
                new MetricsEvent(
                        8,
                        NOW_MS - 1_000,
                        64,
                        Double.NaN,
                        Double.NaN,
                        1,
                        2,
                        0.05,
                        0.8,
                        1000,
                        false));
        feedEmbeddings(40);
        monitor.analyse();
        model.setCheckpoint(
                new MonitorModel.Checkpoint(
                        "vicreg", new byte[] {1, 2, 3}, 7, "spec", NOW_MS - 30_000));

        HttpResponse<String> response = get("metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains(
                        "# TYPE vicreg_training_steps_total counter\n"
                                + "vicreg_training_steps_total 2\n")
                .contains("vicreg_training_skipped_steps_total 1\n")
                .contains("vicreg_training_pairs_total 128\n")
                .contains("# TYPE vicreg_training_step gauge\nvicreg_training_step 8\n")
                .contains("vicreg_loss NaN\n")
                .contains("vicreg_loss_variance 1\n")
                .contains("vicreg_loss_covariance 2\n")
                .contains("vicreg_projection_std{stat=\"min\"} 0.05\n")
                .contains("vicreg_projection_std{stat=\"mean\"} 0.8\n")
                .contains("vicreg_training_pairs_per_second 1000\n")
                .contains("vicreg_embedding_effective_rank ")
                .contains("vicreg_embedding_dimension 4\n")
                .contains("vicreg_checkpoint_step 7\n")
                .contains("vicreg_checkpoint_age_seconds 30\n")
                .contains("vicreg_checkpoint_size_bytes 3\n")
                .contains("vicreg_ready 1\n")
                .contains("vicreg_streams_state{state=\"RUNNING\"} 1\n")
                .contains("vicreg_streams_state{state=\"REBALANCING\"} 0\n")
                // the embeddings lie nearly on a line: their effective rank is below the threshold
                // 2
                .contains("vicreg_collapse_warning 1\n");
        double rank = sample(response.body(), "vicreg_embedding_effective_rank");
        assertThat(rank).isBetween(1.0, 2.0);
    }

    @Test
    void shouldExposeDeadLettersByReasonAndConsumerLagFromTheStreamsMetrics() throws Exception {
        // Given dead-letter counters of two processors and tasks, and lag of a main and a restore
        // consumer
        streams.put(
                "vicreg-dead-letters-total",
                "vicreg",
                3,
                "reason",
                "invalid_json",
                "processor",
                "validate",
                "task-id",
                "0_0");
        streams.put(
                "vicreg-dead-letters-total",
                "vicreg",
                2,
                "reason",
                "invalid_json",
                "processor",
                "validate",
                "task-id",
                "0_1");
        streams.put(
                "vicreg-dead-letters-total",
                "vicreg",
                1,
                "reason",
                "orphan_view",
                "processor",
                "pair",
                "task-id",
                "0_0");
        streams.put(
                "records-lag",
                "consumer-fetch-manager-metrics",
                12,
                "client-id",
                "app-StreamThread-1-consumer",
                "topic",
                "views",
                "partition",
                "0");
        streams.put(
                "records-lag",
                "consumer-fetch-manager-metrics",
                99,
                "client-id",
                "app-StreamThread-1-restore-consumer",
                "topic",
                "changelog",
                "partition",
                "0");
        streams.put(
                "records-lag-max",
                "consumer-fetch-manager-metrics",
                40,
                "client-id",
                "app-StreamThread-1-consumer");

        String body = get("metrics").body();

        assertThat(body)
                .contains(
                        "# TYPE vicreg_dead_letters_total counter\n"
                                + "vicreg_dead_letters_total{reason=\"invalid_json\"} 5\n"
                                + "vicreg_dead_letters_total{reason=\"orphan_view\"} 1\n")
                .contains("vicreg_consumer_lag_records{topic=\"views\",partition=\"0\"} 12\n")
                .doesNotContain("changelog")
                .contains("vicreg_consumer_lag_max_records 40\n");
    }

    @Test
    void shouldLeaveOutWhatIsNotKnownYet() throws Exception {
        String body = get("metrics").body();

        assertThat(body)
                .contains("vicreg_training_steps_total 0\n")
                .doesNotContain("vicreg_training_step ")
                .doesNotContain("vicreg_checkpoint_age_seconds")
                .doesNotContain("vicreg_embedding_effective_rank");
    }

    // ---- /model

    @Test
    void shouldAnswerUnavailableBeforeTheFirstCheckpoint() throws Exception {
        HttpResponse<String> response = get("model");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .startsWith("No checkpoint has reached the model topic yet");
    }

    @Test
    void shouldServeTheLatestCheckpointWithItsStepAndSpec() throws Exception {
        byte[] checkpoint = {9, 8, 7, 6, 5};
        model.setCheckpoint(
                new MonitorModel.Checkpoint(
                        "my model", checkpoint, 300, "ModelSpec[784,512,256]", NOW_MS));

        HttpResponse<byte[]> response =
                http.send(request("model").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsExactly(checkpoint);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/octet-stream");
        assertThat(response.headers().firstValue("X-Vicreg-Step")).hasValue("300");
        assertThat(response.headers().firstValue("X-Vicreg-Model-Spec"))
                .hasValue("ModelSpec[784,512,256]");
        assertThat(response.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"my_model-step-300.ckpt\"");
        assertThat(response.headers().firstValue("ETag")).hasValue("\"step-300\"");
    }

    @Test
    void shouldAnswerAHeadRequestForTheModelWithHeadersOnly() throws Exception {
        model.setCheckpoint(new MonitorModel.Checkpoint("m", new byte[100], 3, "spec", NOW_MS));

        HttpResponse<byte[]> response =
                http.send(
                        request("model")
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Vicreg-Step")).hasValue("3");
        assertThat(response.body()).isEmpty();
    }

    // ---- / and the dashboard's JSON

    @Test
    void shouldServeTheDashboardAndEverythingItLoadsFromTheLearnerItself() throws Exception {
        HttpResponse<String> page = get("");
        HttpResponse<String> script = get("dashboard.js");
        HttpResponse<String> style = get("dashboard.css");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'self'; img-src 'self' data:");
        assertThat(page.body())
                .contains("<script src=\"dashboard.js\"></script>")
                .contains("id=\"chart-loss\"")
                .contains("id=\"chart-scatter\"")
                .doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("api/series").contains("api/scatter");
        assertThat(style.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeTheRecentStepsAsSeries() throws Exception {
        model.setReader(MonitorModel.ReaderState.LIVE, "following");
        for (int s = 1; s <= 5; s++) {
            model.addMetrics(step(s, s != 4));
        }

        JsonNode body = JSON.readTree(get("api/series?limit=3").body());

        assertThat(body.at("/series/step").toString()).isEqualTo("[3,4,5]");
        assertThat(body.at("/series/loss").toString()).isEqualTo("[3.0,null,5.0]");
        assertThat(body.at("/series/applied").toString()).isEqualTo("[true,false,true]");
        assertThat(body.at("/series/stdMean").size()).isEqualTo(3);
        assertThat(body.at("/summary/status").asText()).isEqualTo("ready");
        assertThat(body.at("/summary/steps").asLong()).isEqualTo(5);
        assertThat(body.at("/summary/skippedSteps").asLong()).isEqualTo(1);
    }

    @Test
    void shouldServeThePcaOfTheRecentEmbeddingsWithTheirLabels() throws Exception {
        feedEmbeddings(40);
        monitor.analyse();

        JsonNode body = JSON.readTree(get("api/scatter").body());

        assertThat(body.get("field").asText()).isEqualTo("label");
        assertThat(body.get("count").asInt()).isEqualTo(40);
        assertThat(body.get("dimension").asInt()).isEqualTo(4);
        assertThat(body.get("labels").toString()).isEqualTo("[\"2\",\"10\",\"cat\"]");
        assertThat(body.get("points")).hasSize(40);
        assertThat(body.get("points").get(0)).hasSize(3);
        assertThat(body.at("/explainedVariance/0").asDouble()).isGreaterThan(0.5);
        // and the rank series gained a point
        assertThat(JSON.readTree(get("api/series").body()).at("/rank/value")).hasSize(1);
    }

    @Test
    void shouldServeAnEmptyScatterBeforeAnyEmbedding() throws Exception {
        JsonNode body = JSON.readTree(get("api/scatter").body());

        assertThat(body.get("count").asInt()).isZero();
        assertThat(body.get("points")).isEmpty();
    }

    // ---- errors and binding

    @Test
    void shouldAnswerNotFoundForUnknownPathsAndMethodNotAllowedForWrites() throws Exception {
        HttpResponse<String> missing = get("nope");
        HttpResponse<String> post =
                http.send(
                        request("health").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").asText())
                .isEqualTo("No such page: /nope");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void shouldListenOnLoopbackByDefault() {
        assertThat(MonitorConfig.defaults().address()).isEqualTo("127.0.0.1");
        assertThat(MonitorConfig.defaults().port()).isEqualTo(8080);
        assertThat(monitor.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(monitor.url().toString())
                .isEqualTo("http://127.0.0.1:" + monitor.address().getPort() + "/");
    }

    @Test
    void shouldRefuseATakenPortWithAMessageThatSaysWhatToDo() {
        int taken = monitor.address().getPort();
        MonitorConfig config = MonitorConfig.defaults().withPort(taken);

        assertThatThrownBy(() -> LearnerMonitor.startDetached(config, streams, Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The monitor cannot listen on 127.0.0.1:" + taken)
                .hasMessageEndingWith(
                        "Choose another port (0 takes any free one), or another address.");
    }

    @Test
    void shouldNotStartWhenDisabled() {
        assertThat(
                        LearnerMonitor.startIfEnabled(
                                MonitorConfig.defaults().withEnabled(false),
                                new MonitorSources("localhost:1", Map.of(), "m", "e", "model"),
                                streams))
                .isEmpty();
    }

    // ---- the token, and clients that hold a connection

    @Test
    void shouldRequireTheTokenForTheModelMetricsAndApiButNotForHealthOrThePage() throws Exception {
        MonitorConfig config =
                MonitorConfig.defaults().withPort(MonitorConfig.ANY_PORT).withAuthToken("s3cret");
        try (LearnerMonitor guarded =
                LearnerMonitor.startDetached(config, streams, Clock.systemUTC())) {
            guarded.model()
                    .setCheckpoint(
                            new MonitorModel.Checkpoint("m", new byte[4], 3, "spec", NOW_MS));
            URI base = guarded.url();

            for (String path : List.of("model", "metrics", "api/series", "api/scatter")) {
                HttpResponse<String> none = send(base, path, null);
                HttpResponse<String> wrong = send(base, path, "Bearer s3creT");
                HttpResponse<String> right = send(base, path, "Bearer s3cret");

                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.headers().firstValue("WWW-Authenticate"))
                        .hasValue("Bearer realm=\"vicreg\"");
                assertThat(wrong.statusCode()).as(path).isEqualTo(401);
                assertThat(right.statusCode()).as(path).isEqualTo(200);
            }
            assertThat(send(base, "health/live", null).statusCode()).isEqualTo(200);
            assertThat(send(base, "", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldKeepAnsweringLivenessWhileSlowClientsHoldConnections() throws Exception {
        model.setCheckpoint(
                new MonitorModel.Checkpoint("m", new byte[32 * 1024 * 1024], 3, "spec", NOW_MS));
        InetSocketAddress address = monitor.address();
        List<Socket> slow = new ArrayList<>();
        try {
            // Two half-sent requests and two /model downloads nobody reads once froze the monitor.
            for (int i = 0; i < 2; i++) {
                Socket half = new Socket(address.getAddress(), address.getPort());
                half.getOutputStream()
                        .write(
                                "GET /health HTTP/1.1\r\nHost: x\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(half);
                Socket unread = new Socket(address.getAddress(), address.getPort());
                unread.setReceiveBufferSize(4096);
                unread.getOutputStream()
                        .write(
                                "GET /model HTTP/1.1\r\nHost: x\r\n\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(unread);
            }

            HttpResponse<String> live = get("health/live");

            assertThat(live.statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void shouldDropARequestThatIsNotSentWithinTheRequestTimeOut() throws Exception {
        InetSocketAddress address = monitor.address();
        try (Socket half = new Socket(address.getAddress(), address.getPort())) {
            half.getOutputStream()
                    .write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            half.setSoTimeout((MonitorServer.MAX_REQUEST_SECONDS + 20) * 1000);

            // The server closes the connection: end of stream, or a reset.
            int read;
            try {
                read = half.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }

            assertThat(read).isEqualTo(-1);
        }
    }

    @Test
    void shouldWarnOnlyWhenServingBeyondLoopbackWithoutAToken() {
        MonitorConfig exposed = MonitorConfig.defaults().withAddress("0.0.0.0");

        assertThat(LearnerMonitor.exposureWarning(exposed))
                .isEqualTo(
                        "The monitor listens beyond this machine (monitor.address=0.0.0.0) without a token:"
                                + " anyone who reaches it can download the model's weights. Set"
                                + " monitor.auth.token.");
        assertThat(LearnerMonitor.exposureWarning(exposed.withAuthToken("t"))).isNull();
        assertThat(LearnerMonitor.exposureWarning(MonitorConfig.defaults())).isNull();
        assertThat(
                        LearnerMonitor.exposureWarning(
                                MonitorConfig.defaults().withAddress("localhost")))
                .isNull();
    }

    private HttpResponse<String> send(URI base, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(URI.create(path)))
                        .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- helpers

    private void feedEmbeddings(int count) {
        String[] labels = {"{\"label\":\"10\"}", "{\"label\":2}", "{\"label\":\"cat\"}"};
        for (int i = 0; i < count; i++) {
            float t = i - count / 2f;
            float[] e = {t, 0.5f * t, (i % 2) * 0.3f, 1f};
            model.addEmbedding(
                    new EmbeddingEvent(
                            "id-" + i,
                            e,
                            5,
                            EmbeddingEvent.Source.TRAINING,
                            NOW_MS,
                            Metadata.of(labels[i % labels.length])));
        }
    }

    private static MetricsEvent step(long step, boolean applied) {
        double loss = applied ? step : Double.NaN;
        return new MetricsEvent(step, NOW_MS, 32, loss, loss, 0.5, 0.25, 0.3, 0.9, 500, applied);
    }

    private static double sample(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no sample " + name + " in\n" + text);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(monitor.url().resolve(URI.create(path)))
                .timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A Kafka Streams instance in whatever state the test says, with the metrics it puts. */
    static final class FakeStreams implements StreamsView {
        volatile KafkaStreams.State state = KafkaStreams.State.RUNNING;
        final Map<MetricName, Metric> metrics = new LinkedHashMap<>();

        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public synchronized Map<MetricName, ? extends Metric> metrics() {
            return Map.copyOf(metrics);
        }

        synchronized void put(String name, String group, double value, String... tags) {
            Map<String, String> tagMap = new LinkedHashMap<>();
            for (int i = 0; i < tags.length; i += 2) {
                tagMap.put(tags[i], tags[i + 1]);
            }
            MetricName metricName = new MetricName(name, group, "", tagMap);
            metrics.put(
                    metricName,
                    new Metric() {
                        @Override
                        public MetricName metricName() {
                            return metricName;
                        }

                        @Override
                        public Object metricValue() {
                            return value;
                        }
                    });
        }
    }
}
