package io.github.vicregstreams.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.MetricsEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's HTTP server (the JDK's {@code com.sun.net.httpserver}): health, Prometheus metrics,
 * the latest checkpoint, the dashboard and its JSON.
 */
final class MonitorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MonitorServer.class);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json; charset=utf-8";
    private static final String RESOURCES = "/io/github/vicregstreams/monitor/";

    /**
     * Enough that a few slow clients (a half-sent request, an unread {@code /model} download) leave
     * threads for {@code /health/live}; the JDK server runs each exchange, request reading
     * included, on one of them.
     */
    static final int HTTP_THREADS = 8;

    /** A request not fully received within this many seconds is dropped (JDK server setting). */
    static final int MAX_REQUEST_SECONDS = 10;

    /** A response not fully sent within this many seconds is cut (a 16 MB model at ~300 KB/s). */
    static final int MAX_RESPONSE_SECONDS = 60;

    static {
        // The JDK server reads these once, when its first server is made in this JVM; without them
        // it waits forever, and slow clients can hold every thread. A value the user set wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
    }

    private static void setIfAbsent(String property, int seconds) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, String.valueOf(seconds));
        }
    }

    /** Response header with the checkpoint's training step. */
    static final String STEP_HEADER = "X-Vicreg-Step";

    /** Response header with the checkpoint's model spec. */
    static final String SPEC_HEADER = "X-Vicreg-Model-Spec";

    /** Response header with the checkpoint record's timestamp, epoch milliseconds. */
    static final String TIMESTAMP_HEADER = "X-Vicreg-Checkpoint-Timestamp";

    /** How many metrics events {@code /api/series} returns when no limit is asked for. */
    static final int DEFAULT_SERIES_LIMIT = 1_000;

    private record Asset(String contentType, byte[] body) {}

    private final MonitorConfig config;
    private final MonitorModel model;
    private final StreamsView streams;
    private final Clock clock;
    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor;

    MonitorServer(MonitorConfig config, MonitorModel model, StreamsView streams, Clock clock) {
        this.config = config;
        this.model = model;
        this.streams = streams;
        this.clock = clock;
        Asset page = asset("dashboard.html", "text/html; charset=utf-8");
        assets.put("/", page);
        assets.put("/index.html", page);
        assets.put("/dashboard.js", asset("dashboard.js", "text/javascript; charset=utf-8"));
        assets.put("/dashboard.css", asset("dashboard.css", "text/css; charset=utf-8"));
        InetSocketAddress address = new InetSocketAddress(config.address(), config.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(
                    "The monitor's address must be a local host name or IP address. Got: "
                            + config.address());
        }
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new IllegalStateException(
                    "The monitor cannot listen on "
                            + config.address()
                            + ":"
                            + config.port()
                            + " ("
                            + e.getMessage()
                            + "). Choose another port (0 takes any free one), or another address.",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger threads = new AtomicInteger();
        executor =
                Executors.newFixedThreadPool(
                        HTTP_THREADS,
                        r -> {
                            Thread t =
                                    new Thread(
                                            r, "vicreg-monitor-http-" + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The address it listens on, with the actual port. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The dashboard's URL. */
    URI url() {
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        if (bound.getAddress().isAnyLocalAddress()) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + bound.getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendJson(exchange, 405, error("Only GET and HEAD are served. Got: " + method));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Asset asset = assets.get(path);
            if (asset != null) {
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.getResponseHeaders()
                        .set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
                send(exchange, 200, asset.contentType(), asset.body());
                return;
            }
            if (PROTECTED.contains(path) && !authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vicreg\"");
                sendJson(
                        exchange,
                        401,
                        error(
                                "This page needs the monitor's token: Authorization: Bearer <monitor.auth.token>"));
                return;
            }
            switch (path) {
                case "/health", "/health/ready" -> health(exchange, false);
                case "/health/live" -> health(exchange, true);
                case "/metrics" ->
                        send(
                                exchange,
                                200,
                                PrometheusText.CONTENT_TYPE,
                                prometheus().getBytes(StandardCharsets.UTF_8));
                case "/model" -> model(exchange);
                case "/api/series" ->
                        sendJson(exchange, 200, series(limit(exchange.getRequestURI())));
                case "/api/scatter" -> sendJson(exchange, 200, scatter());
                default -> sendJson(exchange, 404, error("No such page: " + path));
            }
        } catch (RuntimeException e) {
            log.warn("The monitor failed to answer: uri=[{}]", exchange.getRequestURI(), e);
            try {
                sendJson(exchange, 500, error("The monitor failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                // The response was already under way; the client sees a cut-off answer.
            }
        }
    }

    /** What the token guards: the weights, and what the metrics and embeddings reveal. */
    private static final java.util.Set<String> PROTECTED =
            java.util.Set.of("/model", "/metrics", "/api/series", "/api/scatter");

    /** True without a token, or when the request carries it; compared in constant time. */
    private boolean authorized(HttpExchange exchange) {
        if (config.authToken().isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + config.authToken()).getBytes(StandardCharsets.UTF_8);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return java.security.MessageDigest.isEqual(expected, given);
    }

    // ---- /health

    private void health(HttpExchange exchange, boolean livenessOnly) throws IOException {
        KafkaStreams.State state = streams.state();
        Health health = Health.evaluate(state, model, config.maxSkippedSteps());
        ObjectNode body = MAPPER.createObjectNode();
        boolean ok = livenessOnly ? health.live() : health.ready();
        body.put("status", livenessOnly ? (health.live() ? "live" : "down") : health.status());
        if (health.reason() != null && !ok) {
            body.put("reason", health.reason());
        }
        body.put("live", health.live());
        body.put("ready", health.ready());
        body.put("streamsState", state.name());
        if (!livenessOnly) {
            body.set("trainer", trainer());
        }
        sendJson(exchange, ok ? 200 : 503, body);
    }

    private ObjectNode trainer() {
        ObjectNode trainer = MAPPER.createObjectNode();
        MetricsEvent latest = model.latestStep();
        MonitorModel.Counters counters = model.counters();
        if (latest == null) {
            trainer.putNull("step");
            trainer.putNull("lastStepAgeSeconds");
        } else {
            trainer.put("step", latest.step());
            trainer.put("lastStepAgeSeconds", ageSeconds(latest.timestamp()));
        }
        trainer.put("consecutiveSkippedSteps", counters.consecutiveSkippedSteps());
        MonitorModel.Checkpoint checkpoint = model.checkpoint();
        if (checkpoint == null) {
            trainer.putNull("checkpointStep");
        } else {
            trainer.put("checkpointStep", checkpoint.step());
            trainer.put("checkpointAgeSeconds", ageSeconds(checkpoint.timestampMs()));
        }
        CollapseDetector.Verdict collapse = model.collapse();
        ObjectNode collapseNode = trainer.putObject("collapse");
        collapseNode.put("warning", collapse.collapsed());
        ArrayNode reasons = collapseNode.putArray("reasons");
        collapse.reasons().forEach(reasons::add);
        trainer.put("monitor", model.readerState().name().toLowerCase(Locale.ROOT));
        return trainer;
    }

    // ---- /metrics

    String prometheus() {
        PrometheusText text = new PrometheusText();
        KafkaStreams.State state = streams.state();
        Health health = Health.evaluate(state, model, config.maxSkippedSteps());
        text.gauge(
                "vicreg_live", "1 when the learner is live (see /health).", health.live() ? 1 : 0);
        text.gauge(
                "vicreg_ready",
                "1 when the learner is ready (see /health).",
                health.ready() ? 1 : 0);
        text.header("vicreg_streams_state", "gauge", "1 for the Kafka Streams state it is in.");
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            text.sample("vicreg_streams_state", Map.of("state", s.name()), s == state ? 1 : 0);
        }

        MonitorModel.Counters counters = model.counters();
        text.counter(
                "vicreg_training_steps_total",
                "Training steps seen on the metrics topic since the monitor started (with the"
                        + " history it read at start).",
                counters.steps());
        text.counter(
                "vicreg_training_skipped_steps_total",
                "Training steps whose update was skipped (non-finite loss), of those seen.",
                counters.skippedSteps());
        text.gauge(
                "vicreg_training_consecutive_skipped_steps",
                "Training steps skipped in a row up to the latest.",
                counters.consecutiveSkippedSteps());
        text.counter(
                "vicreg_training_pairs_total",
                "Pairs trained in the steps seen.",
                counters.pairs());
        MetricsEvent latest = model.latestStep();
        if (latest != null) {
            text.gauge("vicreg_training_step", "The latest training step.", latest.step());
            text.gauge(
                    "vicreg_training_last_step_age_seconds",
                    "Seconds since the latest training step finished.",
                    ageSeconds(latest.timestamp()));
            text.gauge("vicreg_loss", "VICReg loss of the latest step.", latest.loss());
            text.gauge(
                    "vicreg_loss_invariance",
                    "Invariance term s(Z, Z') of the latest step, unweighted.",
                    latest.invariance());
            text.gauge(
                    "vicreg_loss_variance",
                    "Variance terms v(Z) + v(Z') of the latest step, unweighted.",
                    latest.variance());
            text.gauge(
                    "vicreg_loss_covariance",
                    "Covariance terms c(Z) + c(Z') of the latest step, unweighted.",
                    latest.covariance());
            text.header(
                    "vicreg_projection_std",
                    "gauge",
                    "Per-dimension standard deviation of the projections over the latest batch.");
            text.sample("vicreg_projection_std", Map.of("stat", "min"), latest.embeddingStdMin());
            text.sample("vicreg_projection_std", Map.of("stat", "mean"), latest.embeddingStdMean());
            text.gauge(
                    "vicreg_training_pairs_per_second",
                    "Training throughput of the latest step.",
                    latest.pairsPerSecond());
        }

        EmbeddingAnalysis analysis = model.analysis();
        if (analysis != null) {
            text.gauge(
                    "vicreg_embedding_effective_rank",
                    "Effective rank (Roy & Vetterli) of the recent embeddings.",
                    analysis.effectiveRank());
            text.gauge(
                    "vicreg_embedding_analysed",
                    "Recent embeddings the effective rank and PCA were computed from.",
                    analysis.rankRows());
            text.gauge(
                    "vicreg_embedding_dimension",
                    "Dimension of the embeddings.",
                    analysis.dimension());
        }
        text.counter(
                "vicreg_embeddings_seen_total",
                "Embeddings read from the embeddings topic.",
                counters.embeddings());
        text.gauge(
                "vicreg_collapse_warning",
                "1 while the projection std or the effective rank is below its collapse threshold.",
                model.collapse().collapsed() ? 1 : 0);

        Map<MetricName, ? extends Metric> metrics = streams.metrics();
        text.header(
                "vicreg_dead_letters_total",
                "counter",
                "Records sent to the dead-letter topic, by reason.");
        StreamsMetricsReader.deadLettersByReason(metrics)
                .forEach(
                        (reason, count) ->
                                text.sample(
                                        "vicreg_dead_letters_total",
                                        Map.of("reason", reason),
                                        count));
        List<StreamsMetricsReader.Lag> lags = StreamsMetricsReader.lags(metrics);
        text.header(
                "vicreg_consumer_lag_records",
                "gauge",
                "Records behind the end of each input partition this instance consumes.");
        for (StreamsMetricsReader.Lag lag : lags) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("topic", lag.topic());
            labels.put("partition", Integer.toString(lag.partition()));
            text.sample("vicreg_consumer_lag_records", labels, lag.records());
        }
        double maxLag = StreamsMetricsReader.maxLag(metrics);
        if (!Double.isNaN(maxLag)) {
            text.gauge(
                    "vicreg_consumer_lag_max_records",
                    "The largest lag of this instance's consumers over their recent fetches.",
                    maxLag);
        }

        MonitorModel.Checkpoint checkpoint = model.checkpoint();
        if (checkpoint != null) {
            text.gauge(
                    "vicreg_checkpoint_step", "Step of the latest checkpoint.", checkpoint.step());
            text.gauge(
                    "vicreg_checkpoint_age_seconds",
                    "Seconds since the latest checkpoint was published.",
                    ageSeconds(checkpoint.timestampMs()));
            text.gauge(
                    "vicreg_checkpoint_size_bytes",
                    "Size of the latest checkpoint.",
                    checkpoint.bytes().length);
        }
        text.counter(
                "vicreg_monitor_bad_records_total",
                "Records of the output topics the monitor could not read.",
                counters.badRecords());
        return text.toString();
    }

    // ---- /model

    private void model(HttpExchange exchange) throws IOException {
        MonitorModel.Checkpoint checkpoint = model.checkpoint();
        if (checkpoint == null) {
            exchange.getResponseHeaders().set("Retry-After", "10");
            sendJson(
                    exchange,
                    503,
                    error(
                            "No checkpoint has reached the model topic yet; the trainer publishes"
                                    + " one every checkpoint interval."));
            return;
        }
        Headers headers = exchange.getResponseHeaders();
        headers.set(STEP_HEADER, Long.toString(checkpoint.step()));
        headers.set(SPEC_HEADER, checkpoint.spec());
        headers.set(TIMESTAMP_HEADER, Long.toString(checkpoint.timestampMs()));
        headers.set(
                "Last-Modified",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochMilli(checkpoint.timestampMs()).atOffset(ZoneOffset.UTC)));
        headers.set("ETag", "\"step-" + checkpoint.step() + "\"");
        headers.set(
                "Content-Disposition",
                "attachment; filename=\""
                        + fileName(checkpoint.modelName())
                        + "-step-"
                        + checkpoint.step()
                        + ".ckpt\"");
        headers.set("Cache-Control", "no-cache");
        send(exchange, 200, "application/octet-stream", checkpoint.bytes());
    }

    static String fileName(String modelName) {
        String name = modelName == null ? "" : modelName.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "vicreg" : name;
    }

    // ---- /api/series and /api/scatter

    ObjectNode series(int limit) {
        ObjectNode body = MAPPER.createObjectNode();
        body.set("summary", summary());
        List<MetricsEvent> steps = model.recentSteps(limit);
        ObjectNode series = body.putObject("series");
        longs(series.putArray("step"), steps, MetricsEvent::step);
        longs(series.putArray("time"), steps, MetricsEvent::timestamp);
        doubles(series.putArray("loss"), steps, MetricsEvent::loss);
        doubles(series.putArray("invariance"), steps, MetricsEvent::invariance);
        doubles(series.putArray("variance"), steps, MetricsEvent::variance);
        doubles(series.putArray("covariance"), steps, MetricsEvent::covariance);
        doubles(series.putArray("stdMin"), steps, MetricsEvent::embeddingStdMin);
        doubles(series.putArray("stdMean"), steps, MetricsEvent::embeddingStdMean);
        doubles(series.putArray("pairsPerSecond"), steps, MetricsEvent::pairsPerSecond);
        ArrayNode applied = series.putArray("applied");
        steps.forEach(e -> applied.add(e.applied()));
        ObjectNode rank = body.putObject("rank");
        ArrayNode rankStep = rank.putArray("step");
        ArrayNode rankTime = rank.putArray("time");
        ArrayNode rankValue = rank.putArray("value");
        for (MonitorModel.RankPoint point : model.ranks()) {
            rankStep.add(point.step());
            rankTime.add(point.timeMs());
            putFinite(rankValue, point.rank());
        }
        return body;
    }

    private ObjectNode summary() {
        KafkaStreams.State state = streams.state();
        Health health = Health.evaluate(state, model, config.maxSkippedSteps());
        ObjectNode summary = MAPPER.createObjectNode();
        summary.put("status", health.status());
        summary.put("reason", health.reason());
        summary.put("streamsState", state.name());
        summary.setAll(trainer());
        MonitorModel.Counters counters = model.counters();
        summary.put("steps", counters.steps());
        summary.put("skippedSteps", counters.skippedSteps());
        summary.put("pairs", counters.pairs());
        summary.put("embeddings", counters.embeddings());
        EmbeddingAnalysis analysis = model.analysis();
        if (analysis == null) {
            summary.putNull("effectiveRank");
        } else {
            putFinite(summary, "effectiveRank", analysis.effectiveRank());
        }
        Map<MetricName, ? extends Metric> metrics = streams.metrics();
        ObjectNode deadLetters = summary.putObject("deadLetters");
        StreamsMetricsReader.deadLettersByReason(metrics).forEach(deadLetters::put);
        putFinite(summary, "lagMax", StreamsMetricsReader.maxLag(metrics));
        return summary;
    }

    ObjectNode scatter() {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("field", config.labelField());
        EmbeddingAnalysis analysis = model.analysis();
        if (analysis == null) {
            body.put("count", 0);
            body.putArray("labels");
            body.putArray("points");
            return body;
        }
        body.put("count", analysis.count());
        body.put("dimension", analysis.dimension());
        body.put("analysed", analysis.rankRows());
        putFinite(body, "effectiveRank", analysis.effectiveRank());
        ArrayNode explained = body.putArray("explainedVariance");
        for (double share : analysis.explainedVariance()) {
            putFinite(explained, share);
        }
        body.put("minModelStep", analysis.minModelStep());
        body.put("maxModelStep", analysis.maxModelStep());
        body.put("computedAt", analysis.computedAtMs());
        // Labels sorted, numerically where they are all numbers ("2" before "10").
        Map<String, Integer> index = new TreeMap<>(MonitorServer::compareLabels);
        for (String label : analysis.labels()) {
            if (label != null) {
                index.putIfAbsent(label, 0);
            }
        }
        ArrayNode labels = body.putArray("labels");
        int next = 0;
        for (Map.Entry<String, Integer> e : index.entrySet()) {
            e.setValue(next++);
            labels.add(e.getKey());
        }
        ArrayNode points = body.putArray("points");
        float[][] xy = analysis.points();
        for (int i = 0; i < xy.length; i++) {
            ArrayNode point = points.addArray();
            point.add(xy[i][0]);
            point.add(xy[i][1]);
            String label = analysis.labels()[i];
            point.add(label == null ? -1 : index.get(label));
        }
        return body;
    }

    /** Numbers first, in numeric order ("2" before "10"), then other labels alphabetically. */
    private static int compareLabels(String a, String b) {
        Double x = number(a);
        Double y = number(b);
        if (x != null && y != null) {
            int byValue = Double.compare(x, y);
            return byValue != 0 ? byValue : a.compareTo(b);
        }
        if (x != null || y != null) {
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static Double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int limit(URI uri) {
        String query = uri.getRawQuery();
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("limit=")) {
                    try {
                        return Math.max(1, Integer.parseInt(part.substring("limit=".length())));
                    } catch (NumberFormatException e) {
                        // an unreadable limit gives the default
                    }
                }
            }
        }
        return DEFAULT_SERIES_LIMIT;
    }

    // ---- helpers

    private double ageSeconds(long epochMs) {
        return Math.max(0, clock.millis() - epochMs) / 1000.0;
    }

    private static <T> void longs(
            ArrayNode array, List<T> items, java.util.function.ToLongFunction<T> f) {
        items.forEach(item -> array.add(f.applyAsLong(item)));
    }

    private static <T> void doubles(ArrayNode array, List<T> items, ToDoubleFunction<T> f) {
        items.forEach(item -> putFinite(array, f.applyAsDouble(item)));
    }

    /** JSON has no NaN or infinity: they are written as null. */
    private static void putFinite(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }

    private static void putFinite(ObjectNode object, String field, double value) {
        if (Double.isFinite(value)) {
            object.put(field, value);
        } else {
            object.putNull(field);
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("error", message);
        return body;
    }

    private static void sendJson(HttpExchange exchange, int status, ObjectNode body)
            throws IOException {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, JSON, bytes);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("X-Content-Type-Options", "nosniff");
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = MonitorServer.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The dashboard resource "
                                + RESOURCES
                                + name
                                + " is missing from the classpath");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
