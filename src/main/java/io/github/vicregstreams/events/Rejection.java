package io.github.vicregstreams.events;

/**
 * A validation failure with its reason, thrown inside this package's readers and caught at their
 * edge, where it becomes a {@link Parsed.Rejected} or a {@code SerializationException}.
 *
 * <p>It never leaves the package, and it records no stack trace: bad records are data, not bugs,
 * and a dead-letter path that fills stack traces would be slower than the happy path.
 */
final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    Rejection(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }

    String detail() {
        return getMessage();
    }
}
