package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Validates the records of the three input topics — views, samples and pair events — which share
 * their fields but for {@code view} (views only) and the two views of a pair event's {@code
 * features} / {@code featuresF32}. The first broken rule, in document order, decides the reason.
 *
 * <p>Unknown fields are rejected: a typo such as {@code "timestmap"} would otherwise silently drop
 * data, and producers have {@code metadata} for anything extra.
 */
final class FeatureEventReader {
    /** The fields of one input event as read, before they become a record. */
    static final class Fields {
        String id;
        int view = -1;
        float[] features;

        /** A pair event's view 1; {@link #features} holds its view 0. */
        float[] features1;

        Long timestamp;
        Metadata metadata;
    }

    /** Which input an event is. */
    enum Shape {
        /** One view: {@code view} is required, {@code features} holds one vector. */
        VIEW("view event"),
        /** One sample: no {@code view}, {@code features} holds one vector. */
        SAMPLE("sample event"),
        /** Both views: no {@code view}, {@code features} holds two vectors, view 0 then view 1. */
        PAIR("pair event");

        /** The event's name in detail messages ("a view event record must ..."). */
        final String eventName;

        Shape(String eventName) {
            this.eventName = eventName;
        }
    }

    private static final int ID = 1;
    private static final int VIEW = 1 << 1;
    private static final int FEATURES = 1 << 2;
    private static final int FEATURES_F32 = 1 << 3;
    private static final int TIMESTAMP = 1 << 4;
    private static final int METADATA = 1 << 5;

    private final String eventName;
    private final Shape shape;
    private final int inputDim;
    private final int maxRecordBytes;

    FeatureEventReader(Shape shape, int inputDim, int maxRecordBytes) {
        if (inputDim < 1) {
            throw new IllegalArgumentException("inputDim must be at least 1. Got: " + inputDim);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException(
                    "maxRecordBytes must be at least 1. Got: " + maxRecordBytes);
        }
        this.eventName = shape.eventName;
        this.shape = shape;
        this.inputDim = inputDim;
        this.maxRecordBytes = maxRecordBytes;
    }

    String eventName() {
        return eventName;
    }

    int inputDim() {
        return inputDim;
    }

    int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * Validates a whole record into an event, or its rejection; never throws on bad input.
     *
     * @param toEvent makes the event from the fields read
     */
    <T> Parsed<T> parseRecord(byte[] key, byte[] value, Function<Fields, T> toEvent) {
        try {
            return Parsed.accepted(toEvent.apply(readRecord(key, value)));
        } catch (Rejection rejection) {
            return Parsed.rejected(rejection.reason(), rejection.detail());
        }
    }

    /**
     * Validates a value alone, without the key rules, into an event or its rejection.
     *
     * @throws NullPointerException if {@code value} is null
     */
    <T> Parsed<T> parseValue(byte[] value, Function<Fields, T> toEvent) {
        Objects.requireNonNull(value, "value must not be null");
        try {
            return Parsed.accepted(toEvent.apply(readValue(value)));
        } catch (Rejection rejection) {
            return Parsed.rejected(rejection.reason(), rejection.detail());
        }
    }

    /** Validates a whole record: key rules, size, then the value. */
    Fields readRecord(byte[] key, byte[] value) {
        if (value == null) {
            throw new Rejection(
                    Reason.NULL_VALUE, "a " + eventName + " record must have a value. Got: null");
        }
        if (key == null) {
            throw new Rejection(
                    Reason.NULL_KEY,
                    "a " + eventName + " record must be keyed by its id. Got: a null key");
        }
        checkSize((long) key.length + value.length, "key and value are");
        Fields fields = parse(value);
        // Compare bytes, not strings: no decoding on the happy path.
        if (!Arrays.equals(key, fields.id.getBytes(StandardCharsets.UTF_8))) {
            throw new Rejection(
                    Reason.KEY_MISMATCH,
                    "the record key must be the UTF-8 id. Got: key "
                            + EventLimits.quote(new String(key, StandardCharsets.UTF_8))
                            + ", id "
                            + EventLimits.quote(fields.id));
        }
        return fields;
    }

    /** Validates a value alone, as a plain deserializer must (it never sees the key). */
    Fields readValue(byte[] value) {
        checkSize(value.length, "value is");
        return parse(value);
    }

    private void checkSize(long bytes, String what) {
        if (bytes > maxRecordBytes) {
            throw new Rejection(
                    Reason.RECORD_TOO_LARGE,
                    "a "
                            + eventName
                            + " record must be at most "
                            + maxRecordBytes
                            + " bytes. Got: "
                            + what
                            + " "
                            + bytes
                            + " bytes");
        }
    }

    private Fields parse(byte[] value) {
        if (FeatureEventBinary.isBinary(value)) {
            if (shape == Shape.VIEW) {
                throw new Rejection(
                        Reason.NOT_JSON,
                        "a view event must be JSON; the binary form (first byte 0x00) is for"
                                + " sample and pair events only. Got: a binary value");
            }
            return FeatureEventBinary.read(value, inputDim, shape == Shape.PAIR);
        }
        try (JsonParser p = Json.createParser(value)) {
            JsonToken token = p.nextToken();
            if (token != JsonToken.START_OBJECT) {
                if (token == null) {
                    throw new Rejection(
                            Reason.NOT_JSON, "value must hold one JSON object. Got: no JSON");
                }
                if (token == JsonToken.VALUE_NUMBER_FLOAT && Json.isNonStandardNumber(p)) {
                    throw new Rejection(
                            Reason.NOT_JSON, "value is not standard JSON. Got: " + p.getText());
                }
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        "a "
                                + eventName
                                + " must be a JSON object. Got: "
                                + Json.describe(p, token));
            }
            Fields fields = readFields(p, value);
            if (p.nextToken() != null) {
                throw new Rejection(
                        Reason.NOT_JSON,
                        "value must hold one JSON object. Got: more content after it");
            }
            return fields;
        } catch (IOException e) {
            throw Json.notJson(e);
        }
    }

    private Fields readFields(JsonParser p, byte[] value) throws IOException {
        Fields fields = new Fields();
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            int bit = bitOf(name);
            if ((seen & bit) != 0) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        "field \"" + name + "\" must appear at most once. Got: twice");
            }
            seen |= bit;
            if ((seen & (FEATURES | FEATURES_F32)) == (FEATURES | FEATURES_F32)) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        "give either features or featuresF32, not both. Got: both");
            }
            JsonToken token = p.nextToken();
            switch (bit) {
                case ID:
                    fields.id = readId(p, token);
                    break;
                case VIEW:
                    fields.view = readView(p, token);
                    break;
                case FEATURES:
                    readFeatures(p, token, fields, FeatureEncoding.JSON_ARRAY);
                    break;
                case FEATURES_F32:
                    readFeatures(p, token, fields, FeatureEncoding.FLOAT32_BASE64);
                    break;
                case TIMESTAMP:
                    fields.timestamp = readTimestamp(p, token);
                    break;
                default: // METADATA
                    fields.metadata = Json.readMetadata(p, token, value);
                    break;
            }
        }
        if (fields.id == null) {
            throw new Rejection(Reason.MISSING_ID, "id is required. Got: no id field");
        }
        if (shape == Shape.VIEW && (seen & VIEW) == 0) {
            throw new Rejection(
                    Reason.BAD_VIEW, "view is required and must be 0 or 1. Got: no view field");
        }
        if (fields.features == null) {
            throw new Rejection(
                    Reason.WRONG_SHAPE, "features or featuresF32 is required. Got: neither");
        }
        return fields;
    }

    private int bitOf(String name) {
        switch (name) {
            case "id":
                return ID;
            case "features":
                return FEATURES;
            case "featuresF32":
                return FEATURES_F32;
            case "timestamp":
                return TIMESTAMP;
            case "metadata":
                return METADATA;
            case "view":
                if (shape == Shape.VIEW) {
                    return VIEW;
                }
                break;
            default:
                break;
        }
        throw new Rejection(
                Reason.WRONG_SHAPE,
                "a "
                        + eventName
                        + " has no field "
                        + EventLimits.quote(name)
                        + " (put extra data in"
                        + " metadata)");
    }

    /** {@code features} or {@code featuresF32}: one vector, or a pair event's two. */
    private void readFeatures(
            JsonParser p, JsonToken token, Fields fields, FeatureEncoding encoding)
            throws IOException {
        String field = VectorJson.fieldName("features", encoding);
        if (shape != Shape.PAIR) {
            fields.features = VectorJson.read(p, token, field, encoding, inputDim);
            return;
        }
        String what =
                encoding == FeatureEncoding.FLOAT32_BASE64
                        ? "two base64 strings"
                        : "two arrays of numbers";
        if (token != JsonToken.START_ARRAY) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field
                            + " must be an array of "
                            + what
                            + " (view 0, view 1). Got: "
                            + Json.describe(p, token));
        }
        float[][] views = new float[2][];
        for (int view = 0; view < 2; view++) {
            JsonToken next = p.nextToken();
            if (next == JsonToken.END_ARRAY) {
                throw new Rejection(
                        Reason.WRONG_SHAPE,
                        field + " must hold exactly two views (view 0, view 1). Got: " + view);
            }
            String element = field + "[" + view + "]";
            views[view] = VectorJson.read(p, next, element, encoding, inputDim);
        }
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field + " must hold exactly two views (view 0, view 1). Got: more than two");
        }
        fields.features = views[0];
        fields.features1 = views[1];
    }

    private static String readId(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            throw new Rejection(
                    Reason.MISSING_ID, "id is required and must be a string. Got: null");
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new Rejection(
                    Reason.WRONG_SHAPE, "id must be a string. Got: " + Json.describe(p, token));
        }
        String id = p.getText();
        Rejection problem = EventLimits.checkId(id);
        if (problem != null) {
            throw problem;
        }
        return id;
    }

    private static int readView(JsonParser p, JsonToken token) throws IOException {
        Long view = token.isNumeric() ? Json.integralValue(p, token) : null;
        if (view == null || (view != 0 && view != 1)) {
            throw new Rejection(
                    Reason.BAD_VIEW, "view must be 0 or 1. Got: " + Json.describe(p, token));
        }
        return view.intValue();
    }

    private static Long readTimestamp(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        Long timestamp = token.isNumeric() ? Json.integralValue(p, token) : null;
        if (timestamp == null || timestamp < 0) {
            throw new Rejection(
                    Reason.BAD_TIMESTAMP,
                    "timestamp must be a non-negative int64 (epoch ms) or null. Got: "
                            + Json.describe(p, token));
        }
        return timestamp;
    }
}
