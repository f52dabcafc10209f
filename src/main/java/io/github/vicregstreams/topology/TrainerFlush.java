package io.github.vicregstreams.topology;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request, from the thread that stops the learner to the trainer's stream thread, to publish the
 * steps trained since the last checkpoint before Kafka Streams closes.
 *
 * <p>A closing processor cannot forward: a checkpoint taken in {@code close()} reaches the trainer
 * state only, and the model topic would stay behind until the next start. So the stopping thread
 * asks first; the trainer's wall-clock punctuator sees the request, saves and publishes a
 * checkpoint in the current transaction (which the clean close then commits), and answers. From
 * then on it publishes a checkpoint after every step, for the records it still processes before the
 * close.
 */
final class TrainerFlush {

    private final AtomicInteger trainers = new AtomicInteger();
    private final CountDownLatch flushed = new CountDownLatch(1);
    private volatile boolean requested;

    /** A trainer of this instance started: a request waits for it. */
    void trainerStarted() {
        trainers.incrementAndGet();
    }

    /** A trainer closed (its task moved or the instance stops): it answers by its close. */
    void trainerClosed() {
        if (trainers.decrementAndGet() <= 0 && requested) {
            flushed.countDown();
        }
    }

    /** Whether a stop asked the trainer to publish: seen by the trainer's punctuator. */
    boolean requested() {
        return requested;
    }

    /** The trainer published its unsaved steps (or had none). */
    void flushed() {
        flushed.countDown();
    }

    /** Asks the trainer to publish its unsaved steps at its next punctuation. */
    void request() {
        requested = true;
    }

    /**
     * Waits for the trainer to answer a request, at most {@code timeout}.
     *
     * @return true when it published, had nothing to publish, or no trainer runs here; false when
     *     the time ran out or the waiting thread was interrupted
     */
    boolean await(Duration timeout) {
        if (trainers.get() <= 0) {
            return true;
        }
        try {
            return flushed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
