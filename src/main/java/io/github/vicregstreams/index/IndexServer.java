package io.github.vicregstreams.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.vicregstreams.http.HttpServerTimeouts;
import io.github.vicregstreams.http.ServerUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index's HTTP interface (the JDK's {@code com.sun.net.httpserver}), all answers JSON:
 *
 * <ul>
 *   <li>{@code GET /neighbours?id=<id>&k=<k>}: the k nearest neighbours of an item's own embedding
 *       in the served version, the item excluded;
 *   <li>{@code POST /neighbours?k=<k>} with {@code {"embedding":[...]}}: the k nearest neighbours
 *       of a vector;
 *   <li>{@code GET /status}: the served version, what each version holds, the consumer's progress.
 * </ul>
 *
 * <p>Neighbours answer {@code {"version":N,"neighbours":[{"id":..,"score":..,"metadata":..}]}}, the
 * score a cosine similarity; 503 while no version is served; 400 with {@code {"error":..}} for a
 * bad request.
 */
public final class IndexServer implements AutoCloseable {

    static {
        // Before this JVM's first HTTP server: the monitor's may come later, or never.
        HttpServerTimeouts.apply();
    }

    private static final Logger log = LoggerFactory.getLogger(IndexServer.class);

    /** Searches run on these threads; a slow client holds one. */
    static final int HTTP_THREADS = 4;

    private final EmbeddingIndex index;
    private final IndexProgress progress;
    private final HttpServer server;
    private final ExecutorService executor;

    private IndexServer(EmbeddingIndex index, IndexProgress progress, InetSocketAddress address)
            throws IOException {
        this.index = index;
        this.progress = progress;
        this.server = HttpServer.create(address, 0);
        AtomicInteger threads = new AtomicInteger();
        this.executor =
                Executors.newFixedThreadPool(
                        HTTP_THREADS,
                        r -> {
                            Thread t =
                                    new Thread(r, "vicreg-index-http-" + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts serving {@code index} on {@code host:port}.
     *
     * @param index what to search
     * @param progress what {@code /status} reports of the consumer
     * @param host a local host name or IP address, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for any free one
     * @return the running server
     * @throws IllegalArgumentException if the host does not resolve
     * @throws IllegalStateException if it cannot listen there
     */
    public static IndexServer start(
            EmbeddingIndex index, IndexProgress progress, String host, int port) {
        Objects.requireNonNull(index, "index must not be null");
        Objects.requireNonNull(progress, "progress must not be null");
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(
                    "The index's address must be a local host name or IP address. Got: " + host);
        }
        try {
            return new IndexServer(index, progress, address);
        } catch (BindException e) {
            throw new IllegalStateException(
                    "The index cannot listen on "
                            + host
                            + ":"
                            + port
                            + " ("
                            + e.getMessage()
                            + "). Choose another port (0 takes any free one), or another address.",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The address it listens on, with the actual port.
     *
     * @return the address
     */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Its base URL, e.g. {@code http://127.0.0.1:8090/}.
     *
     * @return the URL
     */
    public URI url() {
        return ServerUrl.of(server.getAddress());
    }

    /** Stops listening. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/neighbours" -> neighbours(exchange, method);
                case "/status" -> {
                    if (allowed(exchange, method, "GET")) {
                        send(exchange, 200, IndexJson.status(index, progress));
                    }
                }
                default ->
                        send(
                                exchange,
                                404,
                                IndexJson.error(
                                        "No such page: "
                                                + path
                                                + ". The index answers /neighbours and /status."));
            }
        } catch (RuntimeException e) {
            log.warn("The index failed to answer: uri=[{}]", exchange.getRequestURI(), e);
            try {
                send(exchange, 500, IndexJson.error("The index failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                // The response was already under way; the client sees a cut-off answer.
            }
        }
    }

    private void neighbours(HttpExchange exchange, String method) throws IOException {
        if (!allowed(exchange, method, "GET", "POST")) {
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        NeighbourRequest request;
        try {
            request =
                    method.equals("GET")
                            ? NeighbourRequest.get(query)
                            : NeighbourRequest.post(query, body(exchange));
        } catch (IllegalArgumentException e) {
            send(exchange, 400, IndexJson.error(e.getMessage()));
            return;
        }
        OptionalLong serving = index.servingVersion();
        if (serving.isEmpty()) {
            exchange.getResponseHeaders().set("Retry-After", "5");
            send(
                    exchange,
                    503,
                    IndexJson.error(
                            "No model version is served yet: the index serves version N once it"
                                    + " has read N's complete event and holds all its items."
                                    + " GET /status shows what it holds."));
            return;
        }
        long version = serving.getAsLong();
        List<Neighbour> neighbours;
        try {
            neighbours =
                    request.id() != null
                            ? index.neighboursOf(version, request.id(), request.k())
                            : index.search(version, request.embedding(), request.k());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, IndexJson.error(e.getMessage()));
            return;
        }
        send(exchange, 200, IndexJson.neighbours(version, neighbours));
    }

    /** Reads the body, at most {@link NeighbourRequest#MAX_BODY_BYTES}. */
    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(NeighbourRequest.MAX_BODY_BYTES + 1);
            if (body.length > NeighbourRequest.MAX_BODY_BYTES) {
                throw new IllegalArgumentException(
                        "The body may have at most "
                                + NeighbourRequest.MAX_BODY_BYTES
                                + " bytes. Got more");
            }
            return body;
        }
    }

    /** Whether {@code method} is one of {@code allowed}; else answers 405 and returns false. */
    private static boolean allowed(HttpExchange exchange, String method, String... allowed)
            throws IOException {
        if (List.of(allowed).contains(method)) {
            return true;
        }
        String list = String.join(", ", allowed);
        exchange.getResponseHeaders().set("Allow", list);
        send(
                exchange,
                405,
                IndexJson.error(
                        exchange.getRequestURI().getPath()
                                + " takes "
                                + list
                                + ". Got: "
                                + method));
        return false;
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body)
            throws IOException {
        byte[] bytes = IndexJson.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", IndexJson.CONTENT_TYPE);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
