package io.github.vicregstreams.events;

/**
 * How a writer encodes a feature vector. Readers accept both, wherever {@code features} may appear.
 */
public enum FeatureEncoding {
    /** {@code "features": [0.5, 1, ...]}: readable, and about 4 times larger. */
    JSON_ARRAY,
    /**
     * {@code "featuresF32": "AAAAPw..."}: padded standard base64 of little-endian IEEE 754 float32,
     * exact, compact and several times faster to read than a JSON array.
     */
    FLOAT32_BASE64
}
