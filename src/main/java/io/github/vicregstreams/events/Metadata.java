package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The free-form {@code metadata} of an event: one JSON object, kept as the exact JSON text it
 * arrived as, so that it is carried from a view or sample into its embedding untouched (labels,
 * tenant ids, trace ids, whatever people put there).
 *
 * <p>Equality is textual: {@code {"a":1}} and {@code { "a": 1 }} are different metadata, because
 * they are different bytes on the wire.
 */
public final class Metadata {
    private final String json;
    private final int sizeInBytes;

    /** For readers that have already validated the text and know its UTF-8 size. */
    Metadata(String json, int sizeInBytes) {
        this.json = json;
        this.sizeInBytes = sizeInBytes;
    }

    /**
     * Returns metadata with the given JSON object text.
     *
     * @param json one standard JSON object, at most {@link EventLimits#MAX_METADATA_BYTES} bytes of
     *     UTF-8
     * @return the metadata, holding {@code json} without surrounding whitespace
     * @throws IllegalArgumentException if {@code json} is not a single JSON object, or is too large
     */
    public static Metadata of(String json) {
        Objects.requireNonNull(json, "json must not be null");
        try {
            return Json.readStandaloneMetadata(json.getBytes(StandardCharsets.UTF_8));
        } catch (Rejection e) {
            throw new IllegalArgumentException(e.detail(), e);
        }
    }

    /**
     * Returns metadata holding the given fields, in their iteration order: a producer's way to
     * attach labels and the like without building JSON by hand.
     *
     * @param fields field names to values Jackson can write (numbers, strings, booleans, null,
     *     lists and maps of those)
     * @return the metadata, in compact JSON
     * @throws IllegalArgumentException if a value cannot be written, or the result is too large
     */
    public static Metadata of(Map<String, ?> fields) {
        Objects.requireNonNull(fields, "fields must not be null");
        JsonNode node = Json.MAPPER.valueToTree(fields);
        return of(node);
    }

    /**
     * Returns metadata holding the given JSON object.
     *
     * @param node an object node
     * @return the metadata, in compact JSON
     * @throws IllegalArgumentException if {@code node} is not an object, or is too large
     */
    public static Metadata of(JsonNode node) {
        Objects.requireNonNull(node, "node must not be null");
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "metadata must be a JSON object. Got: " + node.getNodeType());
        }
        try {
            return of(Json.MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata could not be written as JSON", e);
        }
    }

    /**
     * Returns the JSON object text, exactly as received.
     *
     * @return the JSON text
     */
    public String json() {
        return json;
    }

    /**
     * Returns the size of the JSON text in UTF-8 bytes, the size the limit applies to.
     *
     * @return the size in bytes
     */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /**
     * Parses the JSON text into a tree, for code that wants to look inside.
     *
     * @return a new object node
     */
    public JsonNode toJsonNode() {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // Unreachable: the text was validated when this instance was made.
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata && ((Metadata) o).json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
