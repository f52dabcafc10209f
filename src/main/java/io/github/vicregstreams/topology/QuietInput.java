package io.github.vicregstreams.topology;

/**
 * How long a processor's input has been quiet, in wall-clock time, as its punctuations see it: the
 * time since the last record arrived, except that a punctuation coming two intervals or more after
 * the one before starts the quiet again.
 *
 * <p>Such a gap means the stream thread was not polling: it was blocked in the processor's own work
 * (a checkpoint with its replay buffer), in a slow exactly-once commit, or the whole process was
 * paused. Records may be waiting unread behind the stall, so the time it lasted is not evidence
 * that none came; counting it as quiet would release a batch cut short (a loss spike) or move the
 * pairing clock past views whose partners are waiting unread. At most two intervals of unpolled
 * time are ever counted as quiet, and a stall delays a rule by at most its window. The processor
 * schedules its punctuation at {@link #checkIntervalMs()}.
 */
final class QuietInput {

    /** Punctuations at most this far apart, however long the window. */
    private static final long MAX_CHECK_INTERVAL_MS = 1_000;

    private final long checkIntervalMs;

    private final long stallMs;

    private long quietSince;

    private long lastCheck;

    /**
     * @param windowMs the shortest quiet a rule of the processor waits for (at least 1 ms)
     * @param now the wall-clock time the input starts being watched
     */
    QuietInput(long windowMs, long now) {
        if (windowMs < 1) {
            throw new IllegalArgumentException("windowMs must be at least 1. Got: " + windowMs);
        }
        // Half the window, so that a stall long enough to pass for a window's quiet is seen.
        this.checkIntervalMs = Math.max(1, Math.min(windowMs / 2, MAX_CHECK_INTERVAL_MS));
        this.stallMs = 2 * checkIntervalMs;
        this.quietSince = now;
        this.lastCheck = now;
    }

    /**
     * How often the processor punctuates to ask: half the window, at most a second, at least 1 ms.
     */
    long checkIntervalMs() {
        return checkIntervalMs;
    }

    /** A record arrived at {@code now}. */
    void arrived(long now) {
        quietSince = Math.max(quietSince, now);
    }

    /** At a punctuation at {@code now}: how long the input has been quiet, in ms. */
    long quietMs(long now) {
        if (now - lastCheck >= stallMs) {
            quietSince = Math.max(quietSince, now);
        }
        lastCheck = Math.max(lastCheck, now);
        return now - quietSince;
    }
}
