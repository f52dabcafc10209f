package io.github.vicregstreams.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vicregstreams.events.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/** The JSON the index server answers with (trees of the project's one mapper). */
final class IndexJson {

    /** The content type of every answer. */
    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private IndexJson() {}

    /** {@code {"error": message}}. */
    static ObjectNode error(String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", message);
        return body;
    }

    /** {@code {"version":N,"neighbours":[{"id":..,"score":..,"metadata":{..}}]}}. */
    static ObjectNode neighbours(long version, List<Neighbour> neighbours) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("version", version);
        ArrayNode list = body.putArray("neighbours");
        for (Neighbour neighbour : neighbours) {
            ObjectNode item = list.addObject();
            item.put("id", neighbour.id());
            item.put("score", neighbour.score());
            if (neighbour.metadata() != null) {
                item.set("metadata", tree(neighbour.metadata()));
            }
        }
        return body;
    }

    /** The index's versions and the consumer's progress, for {@code GET /status}. */
    static ObjectNode status(EmbeddingIndex index, IndexProgress progress) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        OptionalLong serving = index.servingVersion();
        if (serving.isPresent()) {
            body.put("servingVersion", serving.getAsLong());
        } else {
            body.putNull("servingVersion");
        }
        ArrayNode versions = body.putArray("versions");
        for (VersionStatus status : index.versions().values()) {
            ObjectNode version = versions.addObject();
            version.put("version", status.version());
            version.put("items", status.items());
            version.put("dimension", status.dimension());
            version.put("complete", status.complete());
            if (status.complete()) {
                version.put("completeItems", status.completeItems());
            } else {
                version.putNull("completeItems");
            }
            version.put("serving", serving.isPresent() && serving.getAsLong() == status.version());
        }
        body.put("records", progress.records());
        body.put("indexed", progress.indexed());
        ObjectNode skipped = body.putObject("skipped");
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(reason.code(), progress.skipped(reason));
        }
        offsets(body.putArray("positions"), progress.positions());
        offsets(body.putArray("committed"), progress.committed());
        body.put("commits", progress.commits());
        Throwable failure = progress.failure();
        if (failure == null) {
            body.putNull("failure");
        } else {
            body.put("failure", failure.toString());
        }
        return body;
    }

    /** The body as UTF-8 JSON. */
    static byte[] bytes(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void offsets(ArrayNode list, Map<TopicPartition, Long> offsets) {
        offsets.entrySet().stream()
                .sorted(
                        Map.Entry.comparingByKey(
                                (a, b) ->
                                        a.topic().equals(b.topic())
                                                ? Integer.compare(a.partition(), b.partition())
                                                : a.topic().compareTo(b.topic())))
                .forEach(
                        e ->
                                list.addObject()
                                        .put("topic", e.getKey().topic())
                                        .put("partition", e.getKey().partition())
                                        .put("offset", e.getValue()));
    }

    /** Metadata was valid JSON on the way in; it is parsed back to nest it in the answer. */
    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
