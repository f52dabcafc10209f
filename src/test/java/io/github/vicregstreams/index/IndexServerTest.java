package io.github.vicregstreams.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vicregstreams.events.Json;
import io.github.vicregstreams.http.HttpServerTimeouts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every answer of {@link IndexServer}, good and bad, on loopback. */
class IndexServerTest {

    @TempDir Path dir;

    private EmbeddingIndex index;
    private IndexProgress progress;
    private IndexServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        index = EmbeddingIndex.open(dir);
        progress = new IndexProgress();
        server = IndexServer.start(index, progress, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        index.close();
    }

    /** Version 1 served: a, b and c along the x axis, y and z apart. */
    private void serveVersionOne() {
        index.upsert(1, "a", new float[] {1, 0, 0}, "{\"label\":7}");
        index.upsert(1, "b", new float[] {1, 0.1f, 0}, null);
        index.upsert(1, "c", new float[] {1, 0.5f, 0}, null);
        index.upsert(1, "y", new float[] {0, 1, 0}, null);
        index.upsert(1, "z", new float[] {0, 0, 1}, null);
        index.complete(1, 5);
        assertThat(index.refreshAndSwap()).isEqualTo(1L);
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> response) {}

    private Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
    }

    private Answer post(String pathAndQuery, String body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(uri(pathAndQuery))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    private URI uri(String pathAndQuery) {
        return server.url().resolve(pathAndQuery);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).hasValue(IndexJson.CONTENT_TYPE);
        return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()), response);
    }

    @Test
    void shouldDropARequestThatIsNotSentWithinTheRequestTimeOut() throws Exception {
        // Whichever of the JVM's HTTP servers comes first, the JDK's time-outs are set: without
        // them a client that never finishes its request holds a server thread for ever.
        InetSocketAddress address = server.address();
        try (Socket half = new Socket(address.getAddress(), address.getPort())) {
            half.getOutputStream()
                    .write("GET /status HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            half.setSoTimeout((HttpServerTimeouts.MAX_REQUEST_SECONDS + 20) * 1000);

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
    void shouldAnswerTheNeighboursOfAnItemWithoutTheItem() throws Exception {
        serveVersionOne();

        Answer answer = get("/neighbours?id=a&k=2");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("version").asLong()).isEqualTo(1);
        JsonNode neighbours = answer.body().get("neighbours");
        assertThat(neighbours).hasSize(2);
        assertThat(neighbours.get(0).get("id").asText()).isEqualTo("b");
        assertThat(neighbours.get(0).get("score").asDouble())
                .isCloseTo(1 / Math.sqrt(1.01), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(neighbours.get(1).get("id").asText()).isEqualTo("c");
        assertThat(neighbours.get(0).has("metadata")).isFalse();
    }

    @Test
    void shouldAnswerTheNeighboursOfAPostedVectorWithTheirMetadata() throws Exception {
        serveVersionOne();

        Answer answer = post("/neighbours?k=1", "{\"embedding\":[2, 0, 0]}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("neighbours").get(0).get("id").asText()).isEqualTo("a");
        assertThat(answer.body().get("neighbours").get(0).get("metadata").toString())
                .isEqualTo("{\"label\":7}");
    }

    @Test
    void shouldAnswerTenNeighboursWithoutK() throws Exception {
        serveVersionOne();

        assertThat(get("/neighbours?id=a").body().get("neighbours")).hasSize(4); // all others
    }

    @Test
    void shouldAnswer503BeforeAnyVersionIsServed() throws Exception {
        index.upsert(1, "a", new float[] {1, 0, 0}, null);
        index.refreshAndSwap();

        Answer answer = get("/neighbours?id=a");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("5");
        assertThat(answer.body().get("error").asText())
                .startsWith("No model version is served yet");
    }

    @Test
    void shouldAnswer400ForEachBadRequest() throws Exception {
        serveVersionOne();

        assertThat(error(get("/neighbours?id=a&k=0")))
                .isEqualTo("k must be an integer between 1 and 1000. Got: 0");
        assertThat(error(get("/neighbours?id=a&k=1001")))
                .isEqualTo("k must be an integer between 1 and 1000. Got: 1001");
        assertThat(error(get("/neighbours?id=a&k=ten")))
                .isEqualTo("k must be an integer between 1 and 1000. Got: ten");
        assertThat(error(get("/neighbours?id=nobody")))
                .isEqualTo("Version 1 holds no item with id nobody");
        assertThat(error(get("/neighbours"))).startsWith("GET /neighbours needs ?id=<item id>");
        assertThat(error(get("/neighbours?id=a&id=b")))
                .isEqualTo("The parameter id is given twice");
        assertThat(error(get("/neighbours?id=a&q=1")))
                .isEqualTo("Unknown parameter q: this request takes id and k");
        assertThat(error(post("/neighbours?id=a", "{\"embedding\":[1,0,0]}")))
                .isEqualTo("Unknown parameter id: this request takes k");
        assertThat(error(post("/neighbours", "{\"embedding\":[1,0]}")))
                .isEqualTo(
                        "The query must have the dimension of version 1's embeddings, 3. Got: 2");
        assertThat(error(post("/neighbours", "{\"embedding\":[0,0,0]}"))).startsWith("zero vector");
        assertThat(error(post("/neighbours", "{\"embedding\":[1,0,")))
                .startsWith("The body must be JSON: {\"embedding\":[0.1, -0.2, ...]}. Got a parse");
        assertThat(error(post("/neighbours", "[1,0,0]")))
                .startsWith("The body must be a JSON object");
        assertThat(error(post("/neighbours", "")))
                .isEqualTo(
                        "The body must be a JSON object: {\"embedding\":[0.1, -0.2, ...]}. Got:"
                                + " nothing");
        assertThat(error(post("/neighbours", "{\"embedding\":[1,\"0\",0]}")))
                .isEqualTo("embedding[1] must be a number. Got: \"0\"");
        assertThat(error(post("/neighbours", "{\"embedding\":[1e39,0,0]}")))
                .isEqualTo("embedding[0] is beyond the float32 range. Got: 1.0E39");
        assertThat(error(post("/neighbours", "{\"embedding\":[]}")))
                .startsWith("embedding must be a non-empty array of numbers");
        assertThat(error(post("/neighbours", "{\"vector\":[1,0,0]}")))
                .isEqualTo("The body takes one field, embedding. Got an unknown field: vector");
    }

    /** The error message of a 400 answer. */
    private static String error(Answer answer) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(400);
        return answer.body().get("error").asText();
    }

    @Test
    void shouldAnswer404ForAnUnknownPathAnd405ForAWrongMethod() throws Exception {
        Answer unknown = get("/nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asText())
                .isEqualTo("No such page: /nothing. The index answers /neighbours and /status.");

        Answer delete = send(HttpRequest.newBuilder(uri("/neighbours?id=a")).DELETE().build());
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.response().headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(delete.body().get("error").asText())
                .isEqualTo("/neighbours takes GET, POST. Got: DELETE");

        Answer postStatus = post("/status", "{}");
        assertThat(postStatus.status()).isEqualTo(405);
        assertThat(postStatus.response().headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void shouldReportVersionsAndProgressOnStatus() throws Exception {
        serveVersionOne();
        index.upsert(2, "a", new float[] {1, 0}, null);
        index.refreshAndSwap();
        progress.countRecord();
        progress.countSkipped(SkipReason.NOT_A_VERSION);

        JsonNode status = get("/status").body();

        assertThat(status.get("servingVersion").asLong()).isEqualTo(1);
        assertThat(status.get("versions").toString())
                .isEqualTo(
                        "[{\"version\":1,\"items\":5,\"dimension\":3,\"complete\":true,"
                                + "\"completeItems\":5,\"serving\":true},"
                                + "{\"version\":2,\"items\":1,\"dimension\":2,\"complete\":false,"
                                + "\"completeItems\":null,\"serving\":false}]");
        assertThat(status.get("records").asLong()).isEqualTo(1);
        assertThat(status.get("skipped").get("not-a-version").asLong()).isEqualTo(1);
        assertThat(status.get("skipped").get("unparsable").asLong()).isZero();
        assertThat(status.get("failure").isNull()).isTrue();
    }

    @Test
    void shouldReportNoServedVersionOnStatusBeforeAnyIsComplete() throws Exception {
        JsonNode status = get("/status").body();

        assertThat(status.get("servingVersion").isNull()).isTrue();
        assertThat(status.get("versions")).isEmpty();
    }
}
