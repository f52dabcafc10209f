package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Writes and reads {@link EmbeddingEvent}s, with the vector as a JSON array ({@code embedding}) or
 * as base64 of little-endian float32 ({@code embeddingF32}); the reader takes either. It ignores
 * unknown fields, so that adding a field to an output event stays a compatible change for its
 * consumers.
 */
final class EmbeddingEventJson {
    private static final int OVERHEAD_BYTES = 160;
    private static final int BYTES_PER_VALUE = 12;

    private EmbeddingEventJson() {}

    static byte[] write(EmbeddingEvent event, FeatureEncoding encoding) throws IOException {
        Metadata metadata = event.metadata();
        boolean compact = encoding == FeatureEncoding.FLOAT32_BASE64;
        int hint =
                OVERHEAD_BYTES
                        + event.dimension() * (compact ? 6 : BYTES_PER_VALUE)
                        + (metadata == null ? 0 : metadata.sizeInBytes());
        return Json.toBytes(
                hint,
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", event.id());
                    if (compact) {
                        g.writeFieldName("embeddingF32");
                        Json.writeFloat32(g, event.embeddingUnsafe());
                    } else {
                        g.writeFieldName("embedding");
                        Json.writeFloats(g, event.embeddingUnsafe());
                    }
                    g.writeNumberField("modelStep", event.modelStep());
                    g.writeStringField("source", event.source().code());
                    g.writeNumberField("timestamp", event.timestamp());
                    if (metadata != null) {
                        g.writeFieldName("metadata");
                        g.writeRawValue(metadata.json());
                    }
                    g.writeEndObject();
                });
    }

    static EmbeddingEvent read(byte[] data) {
        String id = null;
        float[] embedding = null;
        Long modelStep = null;
        EmbeddingEvent.Source source = null;
        Long timestamp = null;
        Metadata metadata = null;
        try (JsonParser p = Json.openObject(data, "embedding event")) {
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken token = p.nextToken();
                switch (name) {
                    case "id":
                        id = Json.expectString(p, token, "id");
                        Rejection problem = EventLimits.checkId(id);
                        if (problem != null) {
                            throw problem;
                        }
                        break;
                    case "embedding":
                        if (token != JsonToken.START_ARRAY) {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE,
                                    "embedding must be an array of numbers. Got: "
                                            + Json.describe(p, token));
                        }
                        if (embedding != null) {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE,
                                    "give either embedding or embeddingF32, not both. Got: both");
                        }
                        embedding = Json.readFloats(p, "embedding", -1);
                        break;
                    case "embeddingF32":
                        if (token != JsonToken.VALUE_STRING) {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE,
                                    "embeddingF32 must be a base64 string. Got: "
                                            + Json.describe(p, token));
                        }
                        if (embedding != null) {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE,
                                    "give either embedding or embeddingF32, not both. Got: both");
                        }
                        embedding = Json.decodeFloat32(p, "embeddingF32", -1);
                        break;
                    case "modelStep":
                        modelStep = Json.expectLong(p, token, "modelStep", 0);
                        break;
                    case "source":
                        String code = Json.expectString(p, token, "source");
                        try {
                            source = EmbeddingEvent.Source.fromCode(code);
                        } catch (IllegalArgumentException e) {
                            throw new Rejection(Reason.WRONG_SHAPE, e.getMessage());
                        }
                        break;
                    case "timestamp":
                        timestamp = Json.expectLong(p, token, "timestamp", 0);
                        break;
                    case "metadata":
                        if (token == JsonToken.START_OBJECT) {
                            metadata = Json.captureObject(p, data);
                        } else if (token == JsonToken.VALUE_NULL) {
                            metadata = null;
                        } else {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE,
                                    "metadata must be a JSON object or null. Got: "
                                            + Json.describe(p, token));
                        }
                        break;
                    default:
                        p.skipChildren(); // unknown fields: tolerated, see the class comment
                        break;
                }
            }
            Json.requireEnd(p);
        } catch (IOException e) {
            throw Json.notJson(e);
        }
        Json.require(id != null, "id");
        Json.require(embedding != null, "embedding or embeddingF32");
        Json.require(modelStep != null, "modelStep");
        Json.require(source != null, "source");
        Json.require(timestamp != null, "timestamp");
        return new EmbeddingEvent(id, embedding, modelStep, source, timestamp, metadata);
    }
}
