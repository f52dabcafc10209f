package io.github.vicregstreams.events;

import java.util.Locale;
import java.util.Objects;

/**
 * The fixed limits of the event contracts, and the checks that the records and the readers share so
 * that a programmatic event and a parsed one obey the same rules with the same messages.
 */
public final class EventLimits {
    /** The most characters (Unicode code points, as JSON Schema counts) an {@code id} may have. */
    public static final int MAX_ID_LENGTH = 256;

    /** The most bytes {@code metadata} may take, serialized as UTF-8 JSON exactly as received. */
    public static final int MAX_METADATA_BYTES = 4096;

    /** The default limit on key plus value bytes of an incoming record: 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    /** Longest excerpt of a bad value quoted in a detail message. */
    private static final int MAX_QUOTED_CHARS = 64;

    private EventLimits() {}

    /** Returns the problem with {@code id}, or null if it is a valid id. */
    static Rejection checkId(String id) {
        if (id == null) {
            return new Rejection(
                    Reason.MISSING_ID, "id is required and must be a non-empty string");
        }
        if (id.isEmpty()) {
            return new Rejection(Reason.EMPTY_ID, "id must not be empty. Got: \"\"");
        }
        // Cheap test first: code points never outnumber chars.
        if (id.length() > MAX_ID_LENGTH) {
            int length = id.codePointCount(0, id.length());
            if (length > MAX_ID_LENGTH) {
                return new Rejection(
                        Reason.ID_TOO_LONG,
                        "id must be at most "
                                + MAX_ID_LENGTH
                                + " characters. Got: "
                                + length
                                + " characters, "
                                + quote(id));
            }
        }
        int surrogate = unpairedSurrogate(id);
        if (surrogate >= 0) {
            // Encoded as the UTF-8 record key it would become '?', and no longer match its key.
            return new Rejection(
                    Reason.WRONG_SHAPE,
                    String.format(
                            Locale.ROOT,
                            "id must be valid Unicode. Got: an unpaired surrogate \\u%04x at index %d",
                            (int) id.charAt(surrogate),
                            surrogate));
        }
        return null;
    }

    /** The index of the first surrogate char that is not half of a pair, or -1. */
    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Returns the problem with a view number, or null if it is 0 or 1. */
    static Rejection checkView(int view) {
        if (view == 0 || view == 1) {
            return null;
        }
        return new Rejection(Reason.BAD_VIEW, "view must be 0 or 1. Got: " + view);
    }

    /** Returns the problem with a timestamp, or null if it is a valid epoch-millisecond time. */
    static Rejection checkTimestamp(String field, long timestamp) {
        if (timestamp >= 0) {
            return null;
        }
        return new Rejection(
                Reason.BAD_TIMESTAMP,
                field + " must be a non-negative int64 (epoch ms). Got: " + timestamp);
    }

    /** Returns the problem with a vector, or null if it is non-empty and every value is finite. */
    static Rejection checkVector(String field, float[] values) {
        if (values.length == 0) {
            return new Rejection(
                    Reason.WRONG_FEATURE_COUNT,
                    field + " must have at least one value. Got: 0 values");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return nonFinite(field, i, Float.toString(values[i]));
            }
        }
        return null;
    }

    static Rejection nonFinite(String field, int index, String value) {
        return new Rejection(
                Reason.NON_FINITE_FEATURE,
                field + "[" + index + "] must be a finite float32. Got: " + value);
    }

    static Rejection wrongCount(String field, int expected, int actual) {
        return new Rejection(
                Reason.WRONG_FEATURE_COUNT,
                field
                        + " must have exactly "
                        + expected
                        + " values (the model's input dimension). Got: "
                        + actual);
    }

    static Rejection metadataTooLarge(int bytes) {
        return new Rejection(
                Reason.METADATA_TOO_LARGE,
                "metadata must be at most "
                        + MAX_METADATA_BYTES
                        + " bytes serialized. Got: "
                        + bytes
                        + " bytes");
    }

    /** Throws an {@link IllegalArgumentException} with the rejection's detail, if there is one. */
    static void require(Rejection problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem.detail());
        }
    }

    /**
     * Requires what every vector of an event must be: not null, not empty, every value finite.
     *
     * @throws NullPointerException if {@code values} is null
     * @throws IllegalArgumentException if it is empty or holds a non-finite value
     */
    static void requireVector(String field, float[] values) {
        Objects.requireNonNull(values, field + " must not be null");
        require(checkVector(field, values));
    }

    /**
     * Requires an optional timestamp to be valid epoch milliseconds when there is one.
     *
     * @throws IllegalArgumentException if it is negative
     */
    static void requireOptionalTimestamp(Long timestamp) {
        if (timestamp != null) {
            require(checkTimestamp("timestamp", timestamp));
        }
    }

    /** Quotes a bad value for a message, shortened so that a huge value cannot flood logs. */
    static String quote(String value) {
        if (value.length() <= MAX_QUOTED_CHARS) {
            return '"' + value + '"';
        }
        return '"' + value.substring(0, MAX_QUOTED_CHARS) + "\"... (" + value.length() + " chars)";
    }
}
