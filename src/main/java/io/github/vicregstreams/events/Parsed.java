package io.github.vicregstreams.events;

import java.util.Objects;

/**
 * The outcome of validating one record: the event, or the reason it was rejected. Readers return
 * this instead of throwing, so that a bad record can never kill a stream thread.
 *
 * <pre>{@code
 * Parsed<ViewEvent> parsed = parser.parse(key, value);
 * if (parsed instanceof Parsed.Rejected<ViewEvent> rejected) {
 *   deadLetters.send(DeadLetter.of(rejected.reason(), rejected.detail(), topic, partition,
 *       offset, timestamp, key, value));
 * } else {
 *   pair(parsed.value());
 * }
 * }</pre>
 *
 * @param <T> the event type
 */
public sealed interface Parsed<T> permits Parsed.Accepted, Parsed.Rejected {

    /**
     * Returns an accepted outcome.
     *
     * @param value the event
     * @param <T> the event type
     * @return the outcome
     */
    static <T> Parsed<T> accepted(T value) {
        return new Accepted<>(value);
    }

    /**
     * Returns a rejected outcome.
     *
     * @param reason why
     * @param detail the rule and the bad value
     * @param <T> the event type
     * @return the outcome
     */
    static <T> Parsed<T> rejected(Reason reason, String detail) {
        return new Rejected<>(reason, detail);
    }

    /**
     * Tells whether the record was accepted.
     *
     * @return true if {@link #value()} holds the event
     */
    boolean isAccepted();

    /**
     * Returns the event.
     *
     * @return the event
     * @throws IllegalStateException if the record was rejected
     */
    T value();

    /**
     * An accepted record.
     *
     * @param value the event
     * @param <T> the event type
     */
    record Accepted<T>(T value) implements Parsed<T> {
        /** Creates an accepted outcome. */
        public Accepted {
            Objects.requireNonNull(value, "value must not be null");
        }

        @Override
        public boolean isAccepted() {
            return true;
        }
    }

    /**
     * A rejected record.
     *
     * @param reason why
     * @param detail the rule and the bad value
     * @param <T> the event type it was meant to be
     */
    record Rejected<T>(Reason reason, String detail) implements Parsed<T> {
        /** Creates a rejected outcome. */
        public Rejected {
            Objects.requireNonNull(reason, "reason must not be null");
            Objects.requireNonNull(detail, "detail must not be null");
        }

        @Override
        public boolean isAccepted() {
            return false;
        }

        @Override
        public T value() {
            throw new IllegalStateException(
                    "The record was rejected, so it has no value: "
                            + reason.code()
                            + ": "
                            + detail);
        }
    }
}
