package io.github.vicregstreams.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The life of one long-running command: the resources it starts (broker, learner, monitor, a
 * temporary directory), stopped in reverse order exactly once, by Ctrl-C (a shutdown hook) or by
 * the command's end, whichever comes first.
 *
 * <pre>{@code
 * try (ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("vicreg-shutdown")) {
 *     EmbeddedKafkaBroker broker = lifecycle.add(startBroker(), EmbeddedKafkaBroker::stop);
 *     LearnerApp app = lifecycle.add(LearnerApp.start(config, bootstrap), LearnerApp::close);
 *     lifecycle.awaitStop(); // until Ctrl-C
 * }
 * }</pre>
 *
 * <p>Thread-safe: the shutdown hook stops what the command's thread is still starting.
 */
final class ProcessLifecycle implements AutoCloseable {

    private final Deque<Running<?>> running = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean interrupted;
    private volatile boolean stopping;

    private ProcessLifecycle(String hookName, Runnable onInterrupt) {
        this.hook =
                new Thread(
                        () -> {
                            interrupted = true;
                            onInterrupt.run();
                            stop();
                        },
                        hookName);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * A lifecycle whose shutdown hook (a thread of that name) stops everything on Ctrl-C.
     *
     * @param hookName the hook thread's name, seen in thread dumps
     * @param onInterrupt run by the hook before it stops anything, e.g. to say what it does
     */
    static ProcessLifecycle withShutdownHook(String hookName, Runnable onInterrupt) {
        return new ProcessLifecycle(hookName, onInterrupt);
    }

    static ProcessLifecycle withShutdownHook(String hookName) {
        return new ProcessLifecycle(hookName, () -> {});
    }

    /**
     * Takes a started resource into the lifecycle: it is stopped before the resources added
     * earlier. Once the lifecycle is stopping (Ctrl-C came while the resource started), the
     * resource is stopped at once and the command is aborted.
     *
     * @param resource the started resource; null (an optional one that did not start) is nothing
     * @param stop how to stop it
     * @return {@code resource}
     * @throws IllegalStateException {@code Interrupted}, when already stopping
     */
    synchronized <T> T add(T resource, Consumer<? super T> stop) {
        if (resource == null) {
            return null;
        }
        if (stopping) {
            stop.accept(resource);
            throw new IllegalStateException("Interrupted");
        }
        running.push(new Running<>(resource, stop));
        return resource;
    }

    /**
     * Stops one resource now, ahead of the others (the demo stops the learner before it evaluates).
     * A resource not in the lifecycle, or null, is nothing.
     *
     * @param resource the resource, as {@link #add} returned it
     */
    synchronized void stopNow(Object resource) {
        for (Iterator<Running<?>> it = running.iterator(); it.hasNext(); ) {
            Running<?> entry = it.next();
            if (entry.resource() == resource) {
                it.remove();
                entry.stop();
                return;
            }
        }
    }

    /** Whether Ctrl-C (or any JVM shutdown) started the stop. */
    boolean interrupted() {
        return interrupted;
    }

    /** Whether the stop has begun. */
    boolean stopping() {
        return stopping;
    }

    /** Waits until everything is stopped. */
    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Waits until everything is stopped, at most {@code timeout}.
     *
     * @return whether it is stopped
     */
    boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops every resource, the last added first, once; later calls return at once. A resource that
     * fails to stop does not keep the others running: the first failure is thrown after all were
     * tried.
     */
    synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        RuntimeException failure = null;
        try {
            while (!running.isEmpty()) {
                try {
                    running.pop().stop();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        } finally {
            stopped.countDown();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops everything (unless Ctrl-C already did) and removes the shutdown hook. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: nothing to remove.
            }
        }
    }

    private record Running<T>(T resource, Consumer<? super T> stopper) {
        void stop() {
            stopper.accept(resource);
        }
    }
}
