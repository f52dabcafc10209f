package io.github.vicregstreams.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vicregstreams.events.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What an index commit carries beside the vectors, in its Lucene user data: the consumer's offsets
 * (the next offset to read of each partition) and the {@link Versions}. One commit writes both with
 * the vectors, so a restart resumes exactly where the committed vectors end.
 *
 * <p>One user-data entry, {@value #KEY}, holds it as JSON:
 *
 * <pre>{@code
 * {"format":1,"serving":3,"previous":2,"complete":{"2":1000,"3":1000},
 *  "offsets":[{"topic":"vicreg.embeddings","partition":0,"offset":5120}]}
 * }</pre>
 *
 * @param versions the versions state
 * @param offsets the next offset to read, by partition
 */
record CommitData(Versions versions, Map<TopicPartition, Long> offsets) {

    /** The user-data key. */
    static final String KEY = "vicreg.index.state";

    /** The layout written; a reader refuses another. */
    static final int FORMAT = 1;

    CommitData {
        offsets = Map.copyOf(offsets);
    }

    /** What an index that never committed starts from: no versions, every partition from 0. */
    static CommitData empty() {
        return new CommitData(Versions.none(), Map.of());
    }

    /** The user data of this state. */
    Map<String, String> toUserData() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        putVersion(root, "serving", versions.serving());
        putVersion(root, "previous", versions.previous());
        ObjectNode complete = root.putObject("complete");
        versions.complete().forEach((version, items) -> complete.put(version.toString(), items));
        ArrayNode list = root.putArray("offsets");
        offsets.forEach(
                (tp, offset) ->
                        list.addObject()
                                .put("topic", tp.topic())
                                .put("partition", tp.partition())
                                .put("offset", offset));
        try {
            return Map.of(KEY, Json.MAPPER.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the index state", e);
        }
    }

    /**
     * Reads the state from a commit's user data; without the entry, {@link #empty()}.
     *
     * @throws IllegalStateException if the entry is not this class's JSON
     */
    static CommitData fromUserData(Map<String, String> userData) {
        String json = userData.get(KEY);
        if (json == null) {
            return empty();
        }
        try {
            JsonNode root = Json.MAPPER.readTree(json);
            int format = root.path("format").asInt(-1);
            if (format != FORMAT) {
                throw new IllegalArgumentException(
                        "format must be " + FORMAT + ". Got: " + root.path("format"));
            }
            SortedMap<Long, Long> complete = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("complete").properties()) {
                complete.put(
                        Long.parseLong(e.getKey()),
                        requireLong(e.getValue(), "complete." + e.getKey()));
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (JsonNode entry : root.path("offsets")) {
                TopicPartition tp =
                        new TopicPartition(
                                entry.path("topic").asText(),
                                (int) requireLong(entry.path("partition"), "partition"));
                offsets.put(tp, requireLong(entry.path("offset"), "offset"));
            }
            Versions versions =
                    new Versions(
                            readVersion(root, "serving"), readVersion(root, "previous"), complete);
            return new CommitData(versions, offsets);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "The index's last commit holds an unreadable "
                            + KEY
                            + " ("
                            + e.getMessage()
                            + "). Was the directory written by another program? Got: "
                            + json,
                    e);
        }
    }

    private static void putVersion(ObjectNode root, String field, Long version) {
        if (version == null) {
            root.putNull(field);
        } else {
            root.put(field, version);
        }
    }

    private static Long readVersion(JsonNode root, String field) {
        JsonNode node = root.path(field);
        return node.isNull() || node.isMissingNode() ? null : requireLong(node, field);
    }

    private static long requireLong(JsonNode node, String field) {
        if (!node.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " must be an integer. Got: " + node);
        }
        return node.asLong();
    }
}
