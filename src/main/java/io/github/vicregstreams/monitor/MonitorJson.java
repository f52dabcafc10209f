package io.github.vicregstreams.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vicregstreams.events.Json;
import java.io.UncheckedIOException;

/** The JSON the monitor answers with: its tree nodes, their bytes, and the rules they share. */
final class MonitorJson {

    /** The content type of every JSON answer. */
    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    /** The project's one mapper; only trees are built and written with it, no data binding. */
    private static final ObjectMapper MAPPER = Json.MAPPER;

    /** A status code and the JSON body to answer with. */
    record Reply(int status, ObjectNode body) {}

    private MonitorJson() {}

    /** A new, empty JSON object. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The body of an error answer: {@code {"error": message}}. */
    static ObjectNode error(String message) {
        ObjectNode body = object();
        body.put("error", message);
        return body;
    }

    /** The body as UTF-8 JSON. */
    static byte[] bytes(ObjectNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON has no NaN or infinity: they are written as null. */
    static void putFinite(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }

    /** JSON has no NaN or infinity: they are written as null. */
    static void putFinite(ObjectNode object, String field, double value) {
        if (Double.isFinite(value)) {
            object.put(field, value);
        } else {
            object.putNull(field);
        }
    }
}
