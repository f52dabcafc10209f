package io.github.vicregstreams.vicreg;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * A scope with autograd recording off on the calling thread; closing it restores the grad mode the
 * thread had before, so scopes nest and a training step around one keeps recording.
 *
 * <p>Use it for work on arrays that must not join an autograd graph: initialising and loading
 * weights, inference, and the optimizer's in-place updates. {@link #run} and {@link #call} are the
 * forms for a body that never names the scope (javac's {@code -Xlint:try} flags an unreferenced
 * try-with-resources variable); hold the scope itself where it outlives one block, as a test
 * extension does.
 *
 * <pre>{@code
 * float[] values = NoGrad.call(() -> array.toFloatArray());
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;
    private boolean closed;

    private NoGrad(boolean previous) {
        this.previous = previous;
    }

    /**
     * Turns autograd recording off on this thread until the scope is closed.
     *
     * @return the scope; close it on the same thread
     */
    public static NoGrad enter() {
        // Grad mode lives in the native library: make sure the engine has loaded it.
        Djl.engine();
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(previous);
    }

    /**
     * Runs an action with autograd recording off.
     *
     * @param action what to run
     */
    public static void run(Runnable action) {
        NoGrad scope = enter();
        try {
            action.run();
        } finally {
            scope.close();
        }
    }

    /**
     * Computes a value with autograd recording off.
     *
     * @param computation what to compute
     * @param <T> the value's type
     * @return the value
     */
    public static <T> T call(Supplier<T> computation) {
        NoGrad scope = enter();
        try {
            return computation.get();
        } finally {
            scope.close();
        }
    }

    /** Turns autograd recording off on this thread for good, for {@link Djl}. */
    static void disableOnThisThread() {
        Djl.engine();
        JniUtils.setGradMode(false);
    }

    /** Restores the grad mode of before {@link #enter()}. Safe to call twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            JniUtils.setGradMode(previous);
        }
    }
}
