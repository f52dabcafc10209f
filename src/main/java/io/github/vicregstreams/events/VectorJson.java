package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads and writes a float vector in either {@link FeatureEncoding}: a JSON array of numbers
 * ({@code features}, {@code embedding}) or padded standard base64 of little-endian float32 (the
 * same name with {@code F32}). Values go straight between JSON and {@code float[]}, without boxing.
 */
final class VectorJson {
    private static final int BYTES_PER_FLOAT = Float.BYTES;

    /** A JSON float32 takes up to ~15 bytes; most take about 11. */
    private static final int JSON_BYTES_PER_VALUE = 12;

    /** Base64 takes 4 characters per 3 bytes: 5.33 per float32. */
    private static final int F32_BYTES_PER_VALUE = 6;

    private VectorJson() {}

    /** The field that holds a vector in {@code encoding}: {@code name}, or {@code name + "F32"}. */
    static String fieldName(String name, FeatureEncoding encoding) {
        return encoding == FeatureEncoding.FLOAT32_BASE64 ? name + "F32" : name;
    }

    /**
     * About how many bytes an event takes written, for the writer's first buffer: a guess too small
     * costs a copy, one too large wastes memory.
     *
     * @param overheadBytes room for the fields other than vectors and metadata
     * @param values how many vector values the event holds
     * @param metadata the event's metadata, or null
     */
    static int sizeHint(
            int overheadBytes, int values, FeatureEncoding encoding, Metadata metadata) {
        int perValue =
                encoding == FeatureEncoding.FLOAT32_BASE64
                        ? F32_BYTES_PER_VALUE
                        : JSON_BYTES_PER_VALUE;
        return overheadBytes + values * perValue + (metadata == null ? 0 : metadata.sizeInBytes());
    }

    /** Rejects as wrong shape a token that cannot start a vector in {@code encoding}. */
    static void requireStart(JsonParser p, JsonToken token, String field, FeatureEncoding encoding)
            throws IOException {
        if (encoding == FeatureEncoding.FLOAT32_BASE64) {
            if (token != JsonToken.VALUE_STRING) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        field + " must be a base64 string. Got: " + Json.describe(p, token));
            }
        } else if (token != JsonToken.START_ARRAY) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field + " must be an array of numbers. Got: " + Json.describe(p, token));
        }
    }

    /**
     * Reads the vector the parser is on, in {@code encoding}.
     *
     * @param expected the exact number of values required, or -1 for any positive number
     */
    static float[] read(
            JsonParser p, JsonToken token, String field, FeatureEncoding encoding, int expected)
            throws IOException {
        requireStart(p, token, field, encoding);
        return encoding == FeatureEncoding.FLOAT32_BASE64
                ? decodeFloat32(p, field, expected)
                : readFloats(p, field, expected);
    }

    /**
     * Reads the JSON array the parser is on into a new {@code float[]}.
     *
     * @param expected the exact number of values required, or -1 for any positive number
     */
    private static float[] readFloats(JsonParser p, String field, int expected) throws IOException {
        float[] values = new float[expected >= 0 ? expected : 64];
        int n = 0;
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
                throw new Rejection(
                        Reason.NON_NUMERIC_FEATURE,
                        field + "[" + n + "] must be a number. Got: " + Json.describe(p, token));
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
    private static float[] decodeFloat32(JsonParser p, String field, int expected)
            throws IOException {
        String text = p.getText();
        byte[] bytes =
                Json.decodeBase64(
                        text,
                        Reason.BAD_FEATURES_F32,
                        field,
                        "padded standard base64 (length a multiple of 4)",
                        "standard base64 (A-Z a-z 0-9 + / and = padding)");
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

    /** Writes {@code values} in {@code encoding}. */
    static void write(JsonGenerator g, float[] values, FeatureEncoding encoding)
            throws IOException {
        if (encoding == FeatureEncoding.FLOAT32_BASE64) {
            writeFloat32(g, values);
        } else {
            writeFloats(g, values);
        }
    }

    /** Writes values as a JSON array of numbers, in the shortest form that reads back exactly. */
    private static void writeFloats(JsonGenerator g, float[] values) throws IOException {
        g.writeStartArray(values, values.length);
        for (float value : values) {
            g.writeNumber(value);
        }
        g.writeEndArray();
    }

    /**
     * Writes values as padded standard base64 of little-endian float32. Base64's alphabet needs no
     * JSON escaping, so its bytes go out as the string's UTF-8 as they are: {@code writeString}
     * checks every character for escapes on the way (JFR put that at a sixth of the stream thread's
     * time in the inference path; {@code SerdeBenchmark}'s 784-dim serialize went from about 52,000
     * to 192,000 events/s).
     */
    private static void writeFloat32(JsonGenerator g, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * BYTES_PER_FLOAT);
        buffer.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        byte[] base64 = Base64.getEncoder().encode(buffer.array());
        g.writeRawUTF8String(base64, 0, base64.length);
    }
}
