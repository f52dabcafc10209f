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
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON configuration of the project: the streaming factory of the event path, the one {@link
 * ObjectMapper} for everything else, and the streaming helpers the readers and writers share.
 *
 * <p>The event readers and writers work on Jackson's streaming {@link JsonParser} and {@link
 * JsonGenerator} only: no data binding, no reflection. Vectors are {@link VectorJson}'s.
 */
public final class Json {
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

    /**
     * The project's one configured {@link ObjectMapper}, for JSON trees and reports off the
     * per-event path: {@link Metadata} conversions, the monitor's responses, the benchmarks' result
     * files. Its configuration is Jackson's default, on purpose: strict standard JSON when reading
     * (no {@code NaN}, no comments, no trailing commas) and non-finite doubles written as strings.
     * Do not reconfigure it, as it is shared: ask for a per-use variant, e.g. {@code
     * MAPPER.writerWithDefaultPrettyPrinter()} for an indented report.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper();

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

    /** Reads {@code metadata}: an object, captured as is (see {@link #captureObject}), or null. */
    static Metadata readMetadata(JsonParser p, JsonToken token, byte[] source) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            return captureObject(p, source);
        }
        if (token != JsonToken.VALUE_NULL) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    "metadata must be a JSON object or null. Got: " + describe(p, token));
        }
        return null;
    }

    /**
     * Reads a value that is one JSON object and nothing else, as metadata: the text of {@link
     * Metadata#of(String)}, or the metadata field of a binary sample or pair event.
     *
     * @throws Rejection when it is not one JSON object, not JSON, or too large
     */
    static Metadata readStandaloneMetadata(byte[] json) {
        try (JsonParser p = createParser(json)) {
            JsonToken token = p.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        "metadata must be a JSON object. Got: " + describe(p, token));
            }
            Metadata metadata = captureObject(p, json);
            if (p.nextToken() != null) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        "metadata must be a single JSON object. Got: content after it");
            }
            return metadata;
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    /** Writes {@code metadata} as the exact JSON text it arrived as; nothing when there is none. */
    static void writeMetadata(JsonGenerator g, Metadata metadata) throws IOException {
        if (metadata != null) {
            g.writeFieldName("metadata");
            g.writeRawValue(metadata.json());
        }
    }

    /**
     * Decodes padded standard base64, rejecting for {@code reason} what the contract does not
     * allow: java.util.Base64 tolerates missing padding, the contract (and the schemas' patterns)
     * does not.
     *
     * @param paddedRule what the field must be, said when the length is wrong
     * @param alphabetRule what the field must be, said when a character is wrong
     */
    static byte[] decodeBase64(
            String text, Reason reason, String field, String paddedRule, String alphabetRule) {
        if (text.length() % 4 != 0) {
            throw new Rejection(
                    reason,
                    field + " must be " + paddedRule + ". Got: " + text.length() + " characters");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Rejection(reason, field + " must be " + alphabetRule + ": " + e.getMessage());
        }
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

    /** Reads the current token as an int32 of at least {@code min}, or rejects as wrong shape. */
    static int expectInt(JsonParser p, JsonToken token, String field, int min) throws IOException {
        long value = expectLong(p, token, field, min);
        if (value > Integer.MAX_VALUE) {
            throw new Rejection(Reason.WRONG_SHAPE, field + " must fit an int32. Got: " + value);
        }
        return (int) value;
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

    /** Reads one field of an object: the parser is on its value. */
    @FunctionalInterface
    interface FieldReader {
        /**
         * Reads the field's value.
         *
         * @return false for a field it does not know, which the caller then skips
         */
        boolean read(JsonParser p, String name, JsonToken token) throws IOException;
    }

    /**
     * Reads {@code data} as one JSON object, each field by {@code fields}, skipping those it does
     * not know: the output events' readers tolerate unknown fields, so that adding one stays a
     * compatible change for their consumers.
     */
    static void readObject(byte[] data, String eventName, FieldReader fields) {
        try (JsonParser p = createParser(data)) {
            JsonToken token = p.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        "a " + eventName + " must be a JSON object. Got: " + describe(p, token));
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                if (!fields.read(p, name, p.nextToken())) {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new Rejection(
                        Reason.NOT_JSON,
                        "value must hold one JSON object. Got: more content after it");
            }
        } catch (IOException e) {
            throw notJson(e);
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
