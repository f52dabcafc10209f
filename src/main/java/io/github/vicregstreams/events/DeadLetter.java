package io.github.vicregstreams.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record that the learner could not use, on the dead-letter topic: why, where it came from, and
 * its original key and value bytes, never lost (base64 on the wire).
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
 * @param key the original key bytes, or null
 * @param value the original value bytes, or null
 */
public record DeadLetter(
    String reason,
    String detail,
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value) {

  /** Marks an unknown partition, offset or timestamp. */
  public static final int UNKNOWN = -1;

  /**
   * Creates a dead letter.
   *
   * @throws IllegalArgumentException if the reason is empty or a coordinate is below -1
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
    key = key == null ? null : key.clone();
    value = value == null ? null : value.clone();
  }

  private static void requireKnownOrUnknown(String name, long value) {
    if (value < UNKNOWN) {
      throw new IllegalArgumentException(
          name + " must be at least 0, or -1 when unknown. Got: " + value);
    }
  }

  /**
   * Creates a dead letter for a record rejected for {@code reason}.
   *
   * @param reason why it was rejected
   * @param detail the rule and the bad value
   * @param topic the source topic, or null when unknown
   * @param partition the source partition, or -1
   * @param offset the source offset, or -1
   * @param timestamp the source timestamp, or -1
   * @param key the original key bytes, or null
   * @param value the original value bytes, or null
   * @return the dead letter
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
    return new DeadLetter(reason.code(), detail, topic, partition, offset, timestamp, key, value);
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
        Arrays.hashCode(value));
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
        + "]";
  }

  private static String describe(byte[] bytes) {
    return bytes == null ? "null" : "byte[" + bytes.length + "]";
  }
}
