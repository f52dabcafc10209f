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
        String reason = null;
        String detail = null;
        String topic = null;
        Long partition = null;
        Long offset = null;
        Long timestamp = null;
        byte[] key = null;
        byte[] value = null;
        Long keyLength = null;
        Long valueLength = null;
        boolean seenTopic = false;
        boolean seenKey = false;
        boolean seenValue = false;
        try (JsonParser p = Json.openObject(data, "dead letter")) {
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken token = p.nextToken();
                switch (name) {
                    case "reason":
                        reason = Json.expectString(p, token, "reason");
                        if (reason.isEmpty()) {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE, "reason must not be empty. Got: \"\"");
                        }
                        break;
                    case "detail":
                        detail = Json.expectString(p, token, "detail");
                        break;
                    case "topic":
                        topic =
                                token == JsonToken.VALUE_NULL
                                        ? null
                                        : Json.expectString(p, token, "topic");
                        seenTopic = true;
                        break;
                    case "partition":
                        partition = Json.expectLong(p, token, "partition", DeadLetter.UNKNOWN);
                        if (partition > Integer.MAX_VALUE) {
                            throw new Rejection(
                                    Reason.WRONG_SHAPE,
                                    "partition must fit an int32. Got: " + partition);
                        }
                        break;
                    case "offset":
                        offset = Json.expectLong(p, token, "offset", DeadLetter.UNKNOWN);
                        break;
                    case "timestamp":
                        timestamp = Json.expectLong(p, token, "timestamp", DeadLetter.UNKNOWN);
                        break;
                    case "key":
                        key = readBytes(p, token, "key");
                        seenKey = true;
                        break;
                    case "value":
                        value = readBytes(p, token, "value");
                        seenValue = true;
                        break;
                    case "keyLength":
                        keyLength = Json.expectLong(p, token, "keyLength", -1);
                        break;
                    case "valueLength":
                        valueLength = Json.expectLong(p, token, "valueLength", -1);
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
        Json.require(reason != null, "reason");
        Json.require(detail != null, "detail");
        Json.require(seenTopic, "topic");
        Json.require(partition != null, "partition");
        Json.require(offset != null, "offset");
        Json.require(timestamp != null, "timestamp");
        Json.require(seenKey, "key");
        Json.require(seenValue, "value");
        try {
            return new DeadLetter(
                    reason,
                    detail,
                    topic,
                    partition.intValue(),
                    offset,
                    timestamp,
                    key,
                    value,
                    length("keyLength", keyLength, key),
                    length("valueLength", valueLength, value));
        } catch (IllegalArgumentException e) {
            throw new Rejection(Reason.WRONG_SHAPE, e.getMessage());
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
        // java.util.Base64 tolerates missing padding; the contract does not.
        if (text.length() % 4 != 0) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field
                            + " must be padded standard base64 or null. Got: "
                            + text.length()
                            + " characters");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field + " must be standard base64 or null: " + e.getMessage());
        }
    }
}
