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

    private EmbeddingEventJson() {}

    static byte[] write(EmbeddingEvent event, FeatureEncoding encoding) throws IOException {
        Metadata metadata = event.metadata();
        return Json.toBytes(
                VectorJson.sizeHint(OVERHEAD_BYTES, event.dimension(), encoding, metadata),
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", event.id());
                    g.writeFieldName(VectorJson.fieldName("embedding", encoding));
                    VectorJson.write(g, event.embeddingUnsafe(), encoding);
                    g.writeNumberField("modelStep", event.modelStep());
                    g.writeStringField("source", event.source().code());
                    g.writeNumberField("timestamp", event.timestamp());
                    Json.writeMetadata(g, metadata);
                    if (event.modelVersion() != null) {
                        g.writeNumberField("modelVersion", event.modelVersion());
                    }
                    g.writeEndObject();
                });
    }

    static EmbeddingEvent read(byte[] data) {
        Fields f = new Fields(data);
        Json.readObject(data, "embedding event", f::read);
        Json.require(f.id != null, "id");
        Json.require(f.embedding != null, "embedding or embeddingF32");
        Json.require(f.modelStep != null, "modelStep");
        Json.require(f.source != null, "source");
        Json.require(f.timestamp != null, "timestamp");
        return new EmbeddingEvent(
                f.id, f.embedding, f.modelStep, f.source, f.timestamp, f.metadata, f.modelVersion);
    }

    /** The fields of an embedding event as read. */
    private static final class Fields {
        String id;
        float[] embedding;
        Long modelStep;
        EmbeddingEvent.Source source;
        Long timestamp;
        Metadata metadata;
        Long modelVersion;
        private final byte[] data;

        Fields(byte[] data) {
            this.data = data;
        }

        boolean read(JsonParser p, String name, JsonToken token) throws IOException {
            switch (name) {
                case "id":
                    id = Json.expectString(p, token, "id");
                    Rejection problem = EventLimits.checkId(id);
                    if (problem != null) {
                        throw problem;
                    }
                    return true;
                case "embedding":
                    embedding = readEmbedding(p, token, embedding, FeatureEncoding.JSON_ARRAY);
                    return true;
                case "embeddingF32":
                    embedding = readEmbedding(p, token, embedding, FeatureEncoding.FLOAT32_BASE64);
                    return true;
                case "modelStep":
                    modelStep = Json.expectLong(p, token, "modelStep", 0);
                    return true;
                case "source":
                    String code = Json.expectString(p, token, "source");
                    try {
                        source = EmbeddingEvent.Source.fromCode(code);
                    } catch (IllegalArgumentException e) {
                        throw new Rejection(Reason.WRONG_SHAPE, e.getMessage());
                    }
                    return true;
                case "timestamp":
                    timestamp = Json.expectLong(p, token, "timestamp", 0);
                    return true;
                case "metadata":
                    metadata = Json.readMetadata(p, token, data);
                    return true;
                case "modelVersion":
                    modelVersion = Json.expectLong(p, token, "modelVersion", 1);
                    return true;
                default:
                    return false; // unknown fields: tolerated, see the class comment
            }
        }
    }

    /** Reads {@code embedding} or {@code embeddingF32}, of which an event has one. */
    private static float[] readEmbedding(
            JsonParser p, JsonToken token, float[] already, FeatureEncoding encoding)
            throws IOException {
        String field = VectorJson.fieldName("embedding", encoding);
        VectorJson.requireStart(p, token, field, encoding);
        if (already != null) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    "give either embedding or embeddingF32, not both. Got: both");
        }
        return VectorJson.read(p, token, field, encoding, -1);
    }
}
