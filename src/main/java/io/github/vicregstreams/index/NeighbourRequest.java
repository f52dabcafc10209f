package io.github.vicregstreams.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.vicregstreams.events.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@code /neighbours} request, read from its query string and body: {@code GET
 * /neighbours?id=<id>&k=<k>} or {@code POST /neighbours?k=<k>} with {@code {"embedding":[...]}}.
 * Every way it can be wrong is an {@link IllegalArgumentException} whose message says what to send.
 *
 * @param k how many neighbours
 * @param id the item whose neighbours are asked for (GET), or null
 * @param embedding the vector whose neighbours are asked for (POST), or null
 */
record NeighbourRequest(int k, String id, float[] embedding) {

    /** The number of neighbours without {@code k}. */
    static final int DEFAULT_K = 10;

    /** The largest body a POST may send: a 1024-value vector in JSON is about 20 KB. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final String POST_SHAPE = "{\"embedding\":[0.1, -0.2, ...]}";

    /** A GET: {@code id} and {@code k} from the query. */
    static NeighbourRequest get(String rawQuery) {
        Map<String, String> params = params(rawQuery, Set.of("id", "k"));
        String id = params.get("id");
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(
                    "GET /neighbours needs ?id=<item id> (and optionally &k=<1.."
                            + EmbeddingIndex.MAX_K
                            + ">); to search by vector, POST "
                            + POST_SHAPE);
        }
        return new NeighbourRequest(k(params), id, null);
    }

    /** A POST: {@code k} from the query, the vector from the JSON body. */
    static NeighbourRequest post(String rawQuery, byte[] body) {
        Map<String, String> params = params(rawQuery, Set.of("k"));
        int k = k(params);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "The body must be JSON: "
                            + POST_SHAPE
                            + ". Got a parse error: "
                            + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("The body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "The body must be a JSON object: " + POST_SHAPE + ". Got: " + shape(root));
        }
        for (var names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("embedding")) {
                throw new IllegalArgumentException(
                        "The body takes one field, embedding. Got an unknown field: " + name);
            }
        }
        JsonNode array = root.get("embedding");
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException(
                    "embedding must be a non-empty array of numbers: "
                            + POST_SHAPE
                            + ". Got: "
                            + shape(array));
        }
        float[] embedding = new float[array.size()];
        for (int i = 0; i < embedding.length; i++) {
            JsonNode value = array.get(i);
            if (!value.isNumber()) {
                throw new IllegalArgumentException(
                        "embedding[" + i + "] must be a number. Got: " + value);
            }
            embedding[i] = value.floatValue();
            if (!Float.isFinite(embedding[i])) {
                throw new IllegalArgumentException(
                        "embedding[" + i + "] is beyond the float32 range. Got: " + value);
            }
        }
        return new NeighbourRequest(k, null, embedding);
    }

    private static int k(Map<String, String> params) {
        String k = params.get("k");
        if (k == null) {
            return DEFAULT_K;
        }
        try {
            int value = Integer.parseInt(k);
            if (value >= 1 && value <= EmbeddingIndex.MAX_K) {
                return value;
            }
        } catch (NumberFormatException e) {
            // The message below says what k must be.
        }
        throw new IllegalArgumentException(
                "k must be an integer between 1 and " + EmbeddingIndex.MAX_K + ". Got: " + k);
    }

    private static Map<String, String> params(String rawQuery, Set<String> allowed) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(
                        "Unknown parameter "
                                + name
                                + ": this request takes "
                                + String.join(" and ", allowed.stream().sorted().toList()));
            }
            if (params.put(name, value) != null) {
                throw new IllegalArgumentException("The parameter " + name + " is given twice");
            }
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "The query string is not URL-encoded text. Got: " + text);
        }
    }

    private static String shape(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
