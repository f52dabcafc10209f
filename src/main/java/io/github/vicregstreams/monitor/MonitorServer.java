package io.github.vicregstreams.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.vicregstreams.http.HttpServerTimeouts;
import io.github.vicregstreams.http.ServerUrl;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's HTTP transport (the JDK's {@code com.sun.net.httpserver}): it listens, guards the
 * protected pages with the token, and routes each GET or HEAD to the page that renders it: {@link
 * DashboardAssets}, {@link HealthJson}, {@link PrometheusReport}, {@link ModelDownload} and {@link
 * DashboardJson}.
 */
final class MonitorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MonitorServer.class);

    /**
     * Enough that a few slow clients (a half-sent request, an unread {@code /model} download) leave
     * threads for {@code /health/live}; the JDK server runs each exchange, request reading
     * included, on one of them.
     */
    static final int HTTP_THREADS = 8;

    /** A request not fully received within this many seconds is dropped (JDK server setting). */
    static final int MAX_REQUEST_SECONDS = HttpServerTimeouts.MAX_REQUEST_SECONDS;

    static {
        HttpServerTimeouts.apply();
    }

    /** What the token guards: the weights, and what the metrics and embeddings reveal. */
    private static final Set<String> PROTECTED =
            Set.of("/model", "/metrics", "/api/series", "/api/scatter");

    private final MonitorView view;
    private final String authToken;
    private final DashboardAssets assets = new DashboardAssets();
    private final ModelDownload modelDownload = new ModelDownload();
    private final HttpServer server;
    private final ExecutorService executor;

    MonitorServer(MonitorConfig config, MonitorModel model, StreamsView streams, Clock clock) {
        this.view = new MonitorView(config, model, streams, clock);
        this.authToken = config.authToken();
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
        return ServerUrl.of(server.getAddress());
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
                sendJson(
                        exchange,
                        405,
                        MonitorJson.error("Only GET and HEAD are served. Got: " + method));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            DashboardAssets.Asset asset = assets.find(path);
            if (asset != null) {
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.getResponseHeaders()
                        .set("Content-Security-Policy", DashboardAssets.CONTENT_SECURITY_POLICY);
                send(exchange, 200, asset.contentType(), asset.body());
                return;
            }
            if (PROTECTED.contains(path) && !authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vicreg\"");
                sendJson(
                        exchange,
                        401,
                        MonitorJson.error(
                                "This page needs the monitor's token: Authorization: Bearer <monitor.auth.token>"));
                return;
            }
            switch (path) {
                case "/health", "/health/ready" ->
                        sendJson(exchange, HealthJson.reply(view, false));
                case "/health/live" -> sendJson(exchange, HealthJson.reply(view, true));
                case "/metrics" ->
                        send(
                                exchange,
                                200,
                                PrometheusText.CONTENT_TYPE,
                                PrometheusReport.render(view).getBytes(StandardCharsets.UTF_8));
                case "/model" -> model(exchange);
                case "/api/series" ->
                        sendJson(
                                exchange,
                                200,
                                DashboardJson.series(
                                        view, DashboardJson.limit(exchange.getRequestURI())));
                case "/api/scatter" -> sendJson(exchange, 200, DashboardJson.scatter(view));
                default -> sendJson(exchange, 404, MonitorJson.error("No such page: " + path));
            }
        } catch (RuntimeException e) {
            log.warn("The monitor failed to answer: uri=[{}]", exchange.getRequestURI(), e);
            try {
                sendJson(exchange, 500, MonitorJson.error("The monitor failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                // The response was already under way; the client sees a cut-off answer.
            }
        }
    }

    /** True without a token, or when the request carries it; compared in constant time. */
    private boolean authorized(HttpExchange exchange) {
        if (authToken.isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + authToken).getBytes(StandardCharsets.UTF_8);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }

    private void model(HttpExchange exchange) throws IOException {
        ModelDownload.Format format;
        try {
            format = ModelDownload.format(exchange.getRequestURI());
        } catch (IllegalArgumentException e) {
            sendJson(exchange, 400, MonitorJson.error(e.getMessage()));
            return;
        }
        MonitorModel.Checkpoint checkpoint = view.model().checkpoint();
        if (checkpoint == null) {
            exchange.getResponseHeaders().set("Retry-After", "10");
            sendJson(exchange, 503, MonitorJson.error(ModelDownload.NO_CHECKPOINT_YET));
            return;
        }
        ModelDownload.Download download = modelDownload.download(checkpoint, format);
        Headers headers = exchange.getResponseHeaders();
        download.headers().forEach(headers::set);
        send(exchange, 200, download.contentType(), download.body());
    }

    private static void sendJson(HttpExchange exchange, MonitorJson.Reply reply)
            throws IOException {
        sendJson(exchange, reply.status(), reply.body());
    }

    private static void sendJson(HttpExchange exchange, int status, ObjectNode body)
            throws IOException {
        byte[] bytes = MonitorJson.bytes(body);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, MonitorJson.CONTENT_TYPE, bytes);
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
}
