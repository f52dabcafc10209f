package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Writes and reads {@link ModelVersionEvent}s. The reader ignores unknown fields, so that adding a
 * field stays a compatible change for consumers.
 */
final class ModelVersionEventJson {
    private static final int SIZE_HINT = 200;

    private ModelVersionEventJson() {}

    static byte[] write(ModelVersionEvent event) throws IOException {
        return Json.toBytes(
                SIZE_HINT,
                g -> {
                    g.writeStartObject();
                    g.writeStringField("modelName", event.modelName());
                    g.writeNumberField("version", event.version());
                    g.writeStringField("type", event.type().code());
                    g.writeNumberField("step", event.step());
                    g.writeStringField("checkpointId", event.checkpointId());
                    if (event.items() != null) {
                        g.writeNumberField("items", event.items());
                    }
                    g.writeNumberField("timestamp", event.timestamp());
                    g.writeEndObject();
                });
    }

    static ModelVersionEvent read(byte[] data) {
        Fields f = new Fields();
        Json.readObject(data, "model version event", f::read);
        Json.require(f.modelName != null, "modelName");
        Json.require(f.version != null, "version");
        Json.require(f.type != null, "type");
        Json.require(f.step != null, "step");
        Json.require(f.checkpointId != null, "checkpointId");
        Json.require(f.timestamp != null, "timestamp");
        try {
            return new ModelVersionEvent(
                    f.modelName, f.version, f.type, f.step, f.checkpointId, f.items, f.timestamp);
        } catch (IllegalArgumentException e) {
            throw new Rejection(Reason.WRONG_SHAPE, e.getMessage());
        }
    }

    /** The fields of a model version event as read. */
    private static final class Fields {
        String modelName;
        Long version;
        ModelVersionEvent.Type type;
        Long step;
        String checkpointId;
        Long items;
        Long timestamp;

        boolean read(JsonParser p, String name, JsonToken token) throws IOException {
            switch (name) {
                case "modelName":
                    modelName = Json.expectString(p, token, "modelName");
                    return true;
                case "version":
                    version = Json.expectLong(p, token, "version", 1);
                    return true;
                case "type":
                    String code = Json.expectString(p, token, "type");
                    try {
                        type = ModelVersionEvent.Type.fromCode(code);
                    } catch (IllegalArgumentException e) {
                        throw new Rejection(Reason.WRONG_SHAPE, e.getMessage());
                    }
                    return true;
                case "step":
                    step = Json.expectLong(p, token, "step", 0);
                    return true;
                case "checkpointId":
                    checkpointId = Json.expectString(p, token, "checkpointId");
                    return true;
                case "items":
                    items = Json.expectLong(p, token, "items", 0);
                    return true;
                case "timestamp":
                    timestamp = Json.expectLong(p, token, "timestamp", 0);
                    return true;
                default:
                    return false; // unknown fields: tolerated, see the class comment
            }
        }
    }
}
