package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Base64;

/**
 * Writes and reads {@link DeadLetter}s. Key and value travel as padded standard base64, so any
 * bytes, JSON or not, survive. The reader ignores unknown fields.
 */
final class DeadLetterJson {
    private static final int OVERHEAD_BYTES = 256;

    private DeadLetterJson() {}

    static byte[] write(DeadLetter letter) throws IOException {
        byte[] key = letter.keyUnsafe();
        byte[] value = letter.valueUnsafe();
        int hint =
                OVERHEAD_BYTES
                        + letter.detail().length()
                        + (base64Length(key) + base64Length(value));
        return Json.toBytes(
                hint,
                g -> {
                    g.writeStartObject();
                    g.writeStringField("reason", letter.reason());
                    g.writeStringField("detail", letter.detail());
                    g.writeStringField("topic", letter.topic());
                    g.writeNumberField("partition", letter.partition());
                    g.writeNumberField("offset", letter.offset());
                    g.writeNumberField("timestamp", letter.timestamp());
                    writeBytes(g, "key", key);
                    writeBytes(g, "value", value);
                    if (letter.truncated()) {
                        g.writeNumberField("keyLength", letter.keyLength());
                        g.writeNumberField("valueLength", letter.valueLength());
                    }
                    g.writeEndObject();
                });
    }

    private static int base64Length(byte[] bytes) {
        return bytes == null ? 0 : (bytes.length + 2) / 3 * 4;
    }

    private static void writeBytes(JsonGenerator g, String field, byte[] bytes) throws IOException {
        if (bytes == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, Base64.getEncoder().encodeToString(bytes));
        }
    }

    static DeadLetter read(byte[] data) {
        Fields f = new Fields();
        Json.readObject(data, "dead letter", f::read);
        Json.require(f.reason != null, "reason");
        Json.require(f.detail != null, "detail");
        Json.require(f.seenTopic, "topic");
        Json.require(f.partition != null, "partition");
        Json.require(f.offset != null, "offset");
        Json.require(f.timestamp != null, "timestamp");
        Json.require(f.seenKey, "key");
        Json.require(f.seenValue, "value");
        try {
            return new DeadLetter(
                    f.reason,
                    f.detail,
                    f.topic,
                    f.partition,
                    f.offset,
                    f.timestamp,
                    f.key,
                    f.value,
                    length("keyLength", f.keyLength, f.key),
                    length("valueLength", f.valueLength, f.value));
        } catch (IllegalArgumentException e) {
            throw new Rejection(Reason.WRONG_SHAPE, e.getMessage());
        }
    }

    /** The fields of a dead letter as read. */
    private static final class Fields {
        String reason;
        String detail;
        String topic;
        Integer partition;
        Long offset;
        Long timestamp;
        byte[] key;
        byte[] value;
        Long keyLength;
        Long valueLength;
        boolean seenTopic;
        boolean seenKey;
        boolean seenValue;

        boolean read(JsonParser p, String name, JsonToken token) throws IOException {
            switch (name) {
                case "reason":
                    reason = Json.expectString(p, token, "reason");
                    if (reason.isEmpty()) {
                        throw new Rejection(
                                Reason.WRONG_SHAPE, "reason must not be empty. Got: \"\"");
                    }
                    return true;
                case "detail":
                    detail = Json.expectString(p, token, "detail");
                    return true;
                case "topic":
                    topic =
                            token == JsonToken.VALUE_NULL
                                    ? null
                                    : Json.expectString(p, token, "topic");
                    seenTopic = true;
                    return true;
                case "partition":
                    partition = Json.expectInt(p, token, "partition", DeadLetter.UNKNOWN);
                    return true;
                case "offset":
                    offset = Json.expectLong(p, token, "offset", DeadLetter.UNKNOWN);
                    return true;
                case "timestamp":
                    timestamp = Json.expectLong(p, token, "timestamp", DeadLetter.UNKNOWN);
                    return true;
                case "key":
                    key = readBytes(p, token, "key");
                    seenKey = true;
                    return true;
                case "value":
                    value = readBytes(p, token, "value");
                    seenValue = true;
                    return true;
                case "keyLength":
                    keyLength = Json.expectLong(p, token, "keyLength", -1);
                    return true;
                case "valueLength":
                    valueLength = Json.expectLong(p, token, "valueLength", -1);
                    return true;
                default:
                    return false; // unknown fields: tolerated, see the class comment
            }
        }
    }

    /** The original length: as written when it was truncated, else that of the bytes. */
    private static int length(String field, Long written, byte[] bytes) {
        if (written == null) {
            return bytes == null ? -1 : bytes.length;
        }
        if (written > Integer.MAX_VALUE) {
            throw new Rejection(Reason.WRONG_SHAPE, field + " must fit an int32. Got: " + written);
        }
        return written.intValue();
    }

    private static byte[] readBytes(JsonParser p, JsonToken token, String field)
            throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        String text = Json.expectString(p, token, field);
        return Json.decodeBase64(
                text,
                Reason.WRONG_SHAPE,
                field,
                "padded standard base64 or null",
                "standard base64 or null");
    }
}
