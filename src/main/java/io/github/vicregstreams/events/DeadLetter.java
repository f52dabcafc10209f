package io.github.vicregstreams.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record that the learner could not use, on the dead-letter topic: why, where it came from, and
 * its original key and value bytes (base64 on the wire).
 *
 * <p>A dead letter always fits the dead-letter topic ({@link #MAX_RECORD_BYTES}): a record could be
 * larger than any dead letter that carries it whole, and a dead letter that cannot be written would
 * stop the stream on every restart. So at most {@link #MAX_COPIED_BYTES} of key and value are
 * copied (the value is cut first), at most {@link #MAX_DETAIL_CHARS} of the detail kept, and {@link
 * #keyLength()} and {@link #valueLength()} give the original sizes: a copy shorter than its length
 * was truncated, and the detail says so.
 *
 * <p>Immutable: the byte arrays are copied in and out.
 *
 * @param reason a stable code, usually a {@link Reason#code()}; a string so that readers survive
 *     codes added later
 * @param detail human-readable explanation naming the rule and the bad value
 * @param topic the source topic, or null when unknown (e.g. dead-lettered from a punctuator)
 * @param partition the source partition, or -1 when unknown
 * @param offset the source offset, or -1 when unknown
 * @param timestamp the source record's timestamp in epoch milliseconds, or -1 when unknown
 * @param key the original key bytes (at most {@link #MAX_COPIED_BYTES} of them), or null
 * @param value the original value bytes (those that fit beside the key), or null
 * @param keyLength the original key's length in bytes, or -1 when it had none
 * @param valueLength the original value's length in bytes, or -1 when it had none
 */
public record DeadLetter(
        String reason,
        String detail,
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        int keyLength,
        int valueLength) {

    /** Marks an unknown partition, offset or timestamp. */
    public static final int UNKNOWN = -1;

    /**
     * The most bytes a serialized dead letter takes: the {@code max.message.bytes} the learner
     * gives the dead-letter topic.
     */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    /**
     * The most key and value bytes together that a dead letter copies: their base64 (4/3 as many,
     * 8,000,000 bytes) leaves room for the other fields under {@link #MAX_RECORD_BYTES}.
     */
    public static final int MAX_COPIED_BYTES = 6_000_000;

    /** The most characters of detail kept (JSON may escape each into 6 bytes). */
    public static final int MAX_DETAIL_CHARS = 16 * 1024;

    /**
     * Creates a dead letter, truncating what does not fit (see the class comment). Every dead
     * letter passes here; a new one comes from {@link #of}, and this constructor's lengths serve a
     * dead letter read back, whose bytes may already be cut.
     *
     * @throws IllegalArgumentException if the reason is empty, a coordinate is below -1, or a
     *     length is shorter than its bytes or set without them
     */
    public DeadLetter {
        Objects.requireNonNull(reason, "reason must not be null");
        if (reason.isEmpty()) {
            throw new IllegalArgumentException("reason must not be empty. Got: \"\"");
        }
        Objects.requireNonNull(detail, "detail must not be null");
        requireKnownOrUnknown("partition", partition);
        requireKnownOrUnknown("offset", offset);
        requireKnownOrUnknown("timestamp", timestamp);
        requireLength("key", key, keyLength);
        requireLength("value", value, valueLength);
        int keyCopied = key == null ? 0 : Math.min(key.length, MAX_COPIED_BYTES);
        int valueCopied = value == null ? 0 : Math.min(value.length, MAX_COPIED_BYTES - keyCopied);
        String truncation =
                truncation("key", key, keyCopied, keyLength)
                        + truncation("value", value, valueCopied, valueLength);
        if (detail.length() + truncation.length() > MAX_DETAIL_CHARS) {
            // Cut so that the result, notes included, is within the limit: read back, it stays as
            // is.
            truncation = " [detail cut from " + detail.length() + " characters]" + truncation;
            detail = detail.substring(0, MAX_DETAIL_CHARS - truncation.length());
        }
        detail += truncation;
        key = key == null ? null : Arrays.copyOf(key, keyCopied);
        value = value == null ? null : Arrays.copyOf(value, valueCopied);
    }

    /**
     * True when the key or value bytes are a truncated copy of the original.
     *
     * @return whether bytes were cut
     */
    public boolean truncated() {
        return (key != null && key.length < keyLength)
                || (value != null && value.length < valueLength);
    }

    private static void requireLength(String name, byte[] bytes, int length) {
        if (bytes == null ? length != -1 : length < bytes.length) {
            throw new IllegalArgumentException(
                    name
                            + "Length must be -1 without "
                            + name
                            + " bytes, else at least their number. Got: "
                            + length
                            + " for "
                            + (bytes == null ? "none" : bytes.length + " bytes"));
        }
    }

    /** Says what was cut, for the detail; empty when nothing was, or when it was cut before. */
    private static String truncation(String name, byte[] bytes, int copied, int length) {
        if (bytes == null || copied == bytes.length) {
            return "";
        }
        return " [" + name + " truncated to " + copied + " of " + length + " bytes]";
    }

    private static void requireKnownOrUnknown(String name, long value) {
        if (value < UNKNOWN) {
            throw new IllegalArgumentException(
                    name + " must be at least 0, or -1 when unknown. Got: " + value);
        }
    }

    /**
     * Creates the dead letter of a source record: the one way the learner makes dead letters (a
     * parser's rejection, an orphan, a duplicate or a non-finite embedding alike), truncating what
     * does not fit. The canonical constructor is for reading one back, lengths included.
     *
     * @param reason why it was rejected
     * @param detail the rule and the bad value
     * @param topic the source topic, or null when unknown
     * @param partition the source partition, or -1
     * @param offset the source offset, or -1
     * @param timestamp the source timestamp, or -1
     * @param key the original key bytes, whole, or null
     * @param value the original value bytes, whole, or null
     * @return the dead letter
     * @throws IllegalArgumentException if a coordinate is below -1
     */
    public static DeadLetter of(
            Reason reason,
            String detail,
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] key,
            byte[] value) {
        Objects.requireNonNull(reason, "reason must not be null");
        return new DeadLetter(
                reason.code(),
                detail,
                topic,
                partition,
                offset,
                timestamp,
                key,
                value,
                key == null ? -1 : key.length,
                value == null ? -1 : value.length);
    }

    /**
     * Returns a copy of the original key bytes.
     *
     * @return a new array, or null
     */
    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    /**
     * Returns a copy of the original value bytes.
     *
     * @return a new array, or null
     */
    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    byte[] keyUnsafe() {
        return key;
    }

    byte[] valueUnsafe() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter other
                && partition == other.partition
                && offset == other.offset
                && timestamp == other.timestamp
                && keyLength == other.keyLength
                && valueLength == other.valueLength
                && reason.equals(other.reason)
                && detail.equals(other.detail)
                && Objects.equals(topic, other.topic)
                && Arrays.equals(key, other.key)
                && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                reason,
                detail,
                topic,
                partition,
                offset,
                timestamp,
                Arrays.hashCode(key),
                Arrays.hashCode(value),
                keyLength,
                valueLength);
    }

    /** Shows the sizes of key and value, not their bytes. */
    @Override
    public String toString() {
        return "DeadLetter[reason="
                + reason
                + ", detail="
                + detail
                + ", topic="
                + topic
                + ", partition="
                + partition
                + ", offset="
                + offset
                + ", timestamp="
                + timestamp
                + ", key="
                + describe(key)
                + ", value="
                + describe(value)
                + (truncated()
                        ? ", truncated from " + keyLength + " and " + valueLength + " bytes"
                        : "")
                + "]";
    }

    private static String describe(byte[] bytes) {
        return bytes == null ? "null" : "byte[" + bytes.length + "]";
    }
}
