package io.github.vicregstreams.events;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a record was dead-lettered. Each constant has a stable, machine-readable {@link #code()} that
 * goes into {@link DeadLetter#reason()}; codes are never renamed, only added.
 */
public enum Reason {
    /** The value is not a single well-formed UTF-8 JSON document. */
    NOT_JSON,
    /**
     * The JSON has the wrong shape: not an object, an unknown or repeated field, a missing required
     * field other than {@code id} or {@code view}, or a field of the wrong type.
     */
    WRONG_SHAPE,
    /** {@code id} is absent or null. */
    MISSING_ID,
    /** {@code id} is the empty string. */
    EMPTY_ID,
    /** {@code id} is longer than {@link EventLimits#MAX_ID_LENGTH} characters. */
    ID_TOO_LONG,
    /** {@code view} is absent or is not 0 or 1. */
    BAD_VIEW,
    /** The features do not have exactly the configured input dimension. */
    WRONG_FEATURE_COUNT,
    /** A feature is NaN or infinite, or overflows float32. */
    NON_FINITE_FEATURE,
    /** A feature is null, a string, a boolean, an array or an object. */
    NON_NUMERIC_FEATURE,
    /** {@code featuresF32} is not padded standard base64 of whole little-endian float32 values. */
    BAD_FEATURES_F32,
    /**
     * {@code timestamp} is not a non-negative int64, or the record's timestamp is further ahead of
     * the learner's clock than the pairing window.
     */
    BAD_TIMESTAMP,
    /** Key and value together are over the configured record size limit. */
    RECORD_TOO_LARGE,
    /** {@code metadata} is over {@link EventLimits#MAX_METADATA_BYTES} bytes serialized. */
    METADATA_TOO_LARGE,
    /** The record has no key. */
    NULL_KEY,
    /** The record has no value (a tombstone). */
    NULL_VALUE,
    /** The record key is not the UTF-8 bytes of the event's {@code id}. */
    KEY_MISMATCH,
    /** A view whose partner view never arrived within the pairing window. */
    ORPHAN,
    /** A second view with the same id and view number while the first still waits for its pair. */
    DUPLICATE,
    /**
     * A trained pair whose representation was not finite (extreme inputs): no embedding can carry
     * it. The dead letter's value holds the pair's two views as {@code ViewEvent} JSON lines.
     */
    NON_FINITE_EMBEDDING;

    private final String code = name().toLowerCase(Locale.ROOT);

    /**
     * Returns the stable wire code, the constant's name in lower case ({@code not_json}).
     *
     * @return the code
     */
    public String code() {
        return code;
    }

    /**
     * Returns the reason with the given wire code.
     *
     * @param code a code such as {@code "id_too_long"}
     * @return the reason
     * @throws IllegalArgumentException if no reason has that code
     */
    public static Reason fromCode(String code) {
        Objects.requireNonNull(code, "code must not be null");
        for (Reason reason : values()) {
            if (reason.code.equals(code)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("Unknown dead-letter reason code. Got: " + code);
    }
}
