package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The one JSON factory of the package and the streaming helpers the readers and writers share.
 *
 * <p>Everything here works on Jackson's streaming {@link JsonParser} and {@link JsonGenerator}: no
 * data binding, no reflection, and feature arrays go straight between JSON numbers and {@code
 * float[]} without boxing.
 */
final class Json {
    /**
     * Shared, thread-safe factory. Non-numeric numbers ({@code NaN}, {@code Infinity}) are
     * <em>tokenized</em> so that a NaN among the features gets its own reason code; every reader
     * still rejects them, because they are not standard JSON.
     */
    static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                    .build();

    /** For {@link Metadata} conversions only; never on the per-event path. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final int BYTES_PER_FLOAT = Float.BYTES;

    private Json() {}

    /** Describes the current token as a bad value for a detail message. */
    static String describe(JsonParser p, JsonToken token) throws IOException {
        if (token == null) {
            return "end of input";
        }
        switch (token) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return EventLimits.quote(p.getText());
            default:
                return p.getText();
        }
    }

    /**
     * Reads the JSON array the parser is on into a new {@code float[]}.
     *
     * @param expected the exact number of values required, or -1 for any positive number
     */
    static float[] readFloats(JsonParser p, String field, int expected) throws IOException {
        float[] values = new float[expected >= 0 ? expected : 64];
        int n = 0;
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
                throw new Rejection(
                        Reason.NON_NUMERIC_FEATURE,
                        field + "[" + n + "] must be a number. Got: " + describe(p, token));
            }
            // getFloatValue parses the digits straight to float (FastDoubleParser), no double or
            // box.
            float value = p.getFloatValue();
            if (!Float.isFinite(value)) {
                throw EventLimits.nonFinite(field, n, p.getText());
            }
            if (n == values.length) {
                if (expected >= 0) {
                    n += countRest(p);
                    break;
                }
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[n++] = value;
        }
        if (expected >= 0 && n != expected) {
            throw EventLimits.wrongCount(field, expected, n);
        }
        if (expected < 0) {
            if (n == 0) {
                throw new Rejection(
                        Reason.WRONG_FEATURE_COUNT,
                        field + " must have at least one value. Got: 0 values");
            }
            if (n != values.length) {
                values = Arrays.copyOf(values, n);
            }
        }
        return values;
    }

    /** Counts the array's remaining values, for an honest "Got:" in a wrong-count message. */
    private static int countRest(JsonParser p) throws IOException {
        int count = 1; // the value just read
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            p.skipChildren();
            if (token == null) {
                break;
            }
            count++;
        }
        return count;
    }

    /**
     * Decodes the string the parser is on: padded standard base64 of little-endian float32 values.
     *
     * @param expected the exact number of values required, or -1 for any positive number
     */
    static float[] decodeFloat32(JsonParser p, String field, int expected) throws IOException {
        String text = p.getText();
        // java.util.Base64 tolerates missing padding; the contract (and the schema's pattern) does
        // not.
        if (text.length() % 4 != 0) {
            throw new Rejection(
                    Reason.BAD_FEATURES_F32,
                    field
                            + " must be padded standard base64 (length a multiple of 4). Got: "
                            + text.length()
                            + " characters");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    Reason.BAD_FEATURES_F32,
                    field
                            + " must be standard base64 (A-Z a-z 0-9 + / and = padding): "
                            + e.getMessage());
        }
        if (bytes.length % BYTES_PER_FLOAT != 0) {
            throw new Rejection(
                    Reason.BAD_FEATURES_F32,
                    field
                            + " must decode to whole float32 values (a multiple of 4 bytes). Got: "
                            + bytes.length
                            + " bytes");
        }
        int n = bytes.length / BYTES_PER_FLOAT;
        if (expected >= 0 && n != expected) {
            throw EventLimits.wrongCount(field, expected, n);
        }
        if (n == 0) {
            throw new Rejection(
                    Reason.WRONG_FEATURE_COUNT,
                    field + " must have at least one value. Got: 0 values");
        }
        float[] values = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(values[i])) {
                throw EventLimits.nonFinite(field, i, Float.toString(values[i]));
            }
        }
        return values;
    }

    /**
     * Captures the JSON object the parser is on exactly as it appears in {@code source}: the bytes
     * between its braces are copied, not re-serialized, so metadata passes through untouched.
     */
    static Metadata captureObject(JsonParser p, byte[] source) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        if (start < 0) {
            // A parser over characters has no byte offsets; createParser lets none through.
            throw new IllegalStateException(
                    "metadata can only be captured from a UTF-8 byte parser");
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            if (token == null) {
                throw new Rejection(Reason.NOT_JSON, "metadata: unexpected end of input");
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT && isNonStandardNumber(p)) {
                throw new Rejection(
                        Reason.NOT_JSON,
                        "metadata must be standard JSON, without NaN or Infinity. Got: "
                                + p.getText());
            }
        }
        long end = p.currentTokenLocation().getByteOffset() + 1;
        long size = end - start;
        if (size > EventLimits.MAX_METADATA_BYTES) {
            throw EventLimits.metadataTooLarge((int) size);
        }
        int from = (int) start;
        return new Metadata(
                new String(source, from, (int) size, StandardCharsets.UTF_8), (int) size);
    }

    /** True for the tokens NaN, Infinity and -Infinity, which standard JSON does not have. */
    static boolean isNonStandardNumber(JsonParser p) throws IOException {
        // The literal tokens start with a letter or a sign and a letter; digits never spell them.
        char[] chars = p.getTextCharacters();
        int at = p.getTextOffset();
        int length = p.getTextLength();
        for (int i = at; i < at + length; i++) {
            char c = chars[i];
            if (c != '-' && c != '+') {
                return Character.isLetter(c);
            }
        }
        return false;
    }

    /**
     * Returns the current number token as a {@code long} if it is integral and in range, else null.
     * Follows JSON Schema, where {@code 1.0} is an integer.
     */
    static Long integralValue(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                return p.getLongValue();
            }
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT && !isNonStandardNumber(p)) {
            BigDecimal value = p.getDecimalValue();
            try {
                return value.longValueExact();
            } catch (ArithmeticException e) {
                return null; // a fraction, or beyond int64: not an int64 by the contract
            }
        }
        return null;
    }

    /** Reads the current token as an int64 of at least {@code min}, or rejects as wrong shape. */
    static long expectLong(JsonParser p, JsonToken token, String field, long min)
            throws IOException {
        Long value = token != null && token.isNumeric() ? integralValue(p, token) : null;
        if (value == null || value < min) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field
                            + " must be an int64 of at least "
                            + min
                            + ". Got: "
                            + describe(p, token));
        }
        return value;
    }

    /** Reads the current token as a string, or rejects as wrong shape. */
    static String expectString(JsonParser p, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new Rejection(
                    Reason.WRONG_SHAPE, field + " must be a string. Got: " + describe(p, token));
        }
        return p.getText();
    }

    /** Rejects a missing required field. */
    static void require(boolean present, String field) {
        if (!present) {
            throw new Rejection(Reason.WRONG_SHAPE, field + " is required. Got: no such field");
        }
    }

    /**
     * Opens a parser on {@code data}, which must be UTF-8 (RFC 8259 §8.1: JSON exchanged between
     * systems is UTF-8). Jackson would otherwise detect UTF-16 and UTF-32 from the first bytes and
     * parse them as characters, and then it reports no byte offsets: {@link #captureObject} copies
     * metadata by byte offset, so such input must be refused before parsing.
     *
     * @throws Rejection with {@link Reason#NOT_JSON} if the bytes are UTF-16 or UTF-32
     */
    static JsonParser createParser(byte[] data) throws IOException {
        String encoding = otherUnicodeEncoding(data);
        if (encoding != null) {
            throw new Rejection(
                    Reason.NOT_JSON,
                    "value must be UTF-8 JSON (RFC 8259). Got: "
                            + encoding
                            + " (from its first bytes)");
        }
        return FACTORY.createParser(data);
    }

    /**
     * Names the encoding when the bytes look like UTF-16 or UTF-32 JSON, else null. Every JSON text
     * starts with an ASCII character, so those encodings put a zero byte in the first four, and
     * valid UTF-8 JSON has no zero byte anywhere (control characters must be escaped); a UTF-16
     * byte-order mark gives them away too.
     */
    private static String otherUnicodeEncoding(byte[] data) {
        if (data.length >= 2) {
            int b0 = data[0] & 0xff;
            int b1 = data[1] & 0xff;
            if ((b0 == 0xfe && b1 == 0xff) || (b0 == 0xff && b1 == 0xfe)) {
                return "UTF-16 or UTF-32 with a byte-order mark";
            }
        }
        for (int i = 0; i < Math.min(4, data.length); i++) {
            if (data[i] == 0) {
                return "UTF-16 or UTF-32 (a zero byte at offset " + i + ")";
            }
        }
        return null;
    }

    /** Opens a parser on {@code data} and checks that it holds one JSON object, which it enters. */
    static JsonParser openObject(byte[] data, String eventName) throws IOException {
        JsonParser p = createParser(data);
        JsonToken token = p.nextToken();
        if (token != JsonToken.START_OBJECT) {
            String got = describe(p, token);
            p.close();
            throw new Rejection(
                    Reason.WRONG_SHAPE, "a " + eventName + " must be a JSON object. Got: " + got);
        }
        return p;
    }

    /** Checks that nothing follows the object just read. */
    static void requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new Rejection(
                    Reason.NOT_JSON, "value must hold one JSON object. Got: more content after it");
        }
    }

    /** Maps a parse failure to its rejection, keeping Jackson's message without the source dump. */
    static Rejection notJson(IOException e) {
        String message =
                e instanceof JacksonException
                        ? ((JacksonException) e).getOriginalMessage()
                        : e.getMessage();
        return new Rejection(Reason.NOT_JSON, "value is not valid UTF-8 JSON: " + message);
    }

    /** Writes values as a JSON array of numbers, in the shortest form that reads back exactly. */
    static void writeFloats(JsonGenerator g, float[] values) throws IOException {
        g.writeStartArray(values, values.length);
        for (float value : values) {
            g.writeNumber(value);
        }
        g.writeEndArray();
    }

    /** Writes values as padded standard base64 of little-endian float32. */
    static void writeFloat32(JsonGenerator g, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * BYTES_PER_FLOAT);
        buffer.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        g.writeString(Base64.getEncoder().encodeToString(buffer.array()));
    }

    /** Something that writes one JSON value. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** Runs {@code body} on a fresh generator and returns the UTF-8 bytes it wrote. */
    static byte[] toBytes(int sizeHint, Body body) throws IOException {
        try (ByteArrayBuilder out = new ByteArrayBuilder(sizeHint)) {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                body.write(g);
            }
            return out.toByteArray();
        }
    }
}
