package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.StepResult;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where the trainer's steps run ({@code train.step.thread}): on a thread of their own, so that the
 * stream thread polls, pairs, publishes and commits while a step runs, or on the stream thread.
 *
 * <p>At most one step is in flight, and only this class's thread touches the model while it is: the
 * stream thread takes the step's result ({@link #await}) before it publishes that batch's outputs
 * and saves the cursor, so that a step's outputs and the cursor that lists its batch still go in
 * one transaction; it may publish them while the next step runs, but checkpoints only while none
 * does. A commit while a step runs commits the consumer position past its pairs but not its batch
 * in the cursor: after a crash the journal reads those pairs back as waiting, and they are trained
 * and published once.
 */
public final class TrainerStepThread {

    /** Threads whose name starts with this run training steps (the benchmark groups them). */
    public static final String THREAD_NAME_PREFIX = "vicreg-training-step-";

    /**
     * A batch whose step finished.
     *
     * @param batch the batch
     * @param stepBefore the trainer's step before it
     * @param result the step
     * @param stepAfter the trainer's step after it (and its replay steps)
     * @param endNanos when the step ended ({@link System#nanoTime()}), for the pairs per second
     */
    record Finished(
            TrainerJournal.Batch batch,
            long stepBefore,
            StepResult result,
            long stepAfter,
            long endNanos) {}

    /** Null: steps run on the caller's thread. */
    private final ExecutorService executor;

    /** The step started and not yet taken (its result names its batch); null when none is. */
    private Future<Finished> started;

    /**
     * Whether a step threw: the model may hold part of its update, which no cursor lists, and must
     * not be checkpointed.
     */
    private boolean failed;

    private TrainerStepThread(ExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Steps on a thread of their own, with autograd recording off there as on a stream thread.
     *
     * @param name the thread's name after {@link #THREAD_NAME_PREFIX}: the task's id
     */
    static TrainerStepThread ownThread(String name) {
        return on(
                Executors.newSingleThreadExecutor(
                        task -> {
                            Thread thread =
                                    new Thread(
                                            () -> {
                                                Djl.disableGradientsOnThisThread();
                                                task.run();
                                            },
                                            THREAD_NAME_PREFIX + name);
                            // A stream thread that dies must not leave the JVM waiting for this.
                            thread.setDaemon(true);
                            return thread;
                        }));
    }

    /**
     * Steps on {@code executor}'s thread, which must be one (tests hold a step there).
     *
     * @param executor a single-thread executor; {@link #stop} shuts it down
     */
    static TrainerStepThread on(ExecutorService executor) {
        return new TrainerStepThread(executor);
    }

    /** Steps on the caller's thread: {@link #start} returns when the step is done. */
    static TrainerStepThread callerThread() {
        return new TrainerStepThread(null);
    }

    /** Whether steps run on a thread of their own. */
    boolean isOwnThread() {
        return executor != null;
    }

    /**
     * Starts a batch's step; the previous one must have been taken with {@link #await}.
     *
     * @param batch the batch
     * @param stepCounter the trainer's step counter, read where the step runs, before and after it
     *     (the caller may publish an earlier step meanwhile, but must not touch the model)
     * @param step trains it
     * @throws RuntimeException on the caller's thread, what the step threw
     */
    void start(TrainerJournal.Batch batch, LongSupplier stepCounter, Supplier<StepResult> step) {
        if (started != null) {
            throw new IllegalStateException("a step is in flight already");
        }
        Callable<Finished> run =
                () -> {
                    long stepBefore = stepCounter.getAsLong();
                    StepResult result = step.get();
                    return new Finished(
                            batch, stepBefore, result, stepCounter.getAsLong(), System.nanoTime());
                };
        if (executor != null) {
            started = executor.submit(run);
            return;
        }
        try {
            started = CompletableFuture.completedFuture(run.call());
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        } catch (Exception e) {
            failed = true;
            throw rethrown(e);
        }
    }

    /** Whether a step was started and its result not yet taken. */
    boolean busy() {
        return started != null;
    }

    /** Whether a step was started and has finished: {@link #await} returns at once. */
    boolean hasFinished() {
        return started != null && started.isDone();
    }

    /**
     * Waits for the step in flight and takes its result.
     *
     * @return the finished step
     * @throws RuntimeException what the step threw, as it threw it
     */
    Finished await() {
        try {
            Finished finished = started.get();
            started = null;
            return finished;
        } catch (ExecutionException e) {
            started = null;
            failed = true;
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            // The step still runs: it stays in flight, so that stop() waits for it.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a training step", e);
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("the training step failed", cause);
    }

    /**
     * Waits for a step in flight (the model must not be closed under it, so this waits even when
     * interrupted) and stops the thread.
     *
     * @return whether a step had been started and its result not taken, or a step threw: the model
     *     may then hold a step that no cursor lists, and must not be checkpointed
     */
    boolean stop() {
        boolean unlisted = started != null || failed;
        boolean interrupted = false;
        while (started != null) {
            try {
                started.get();
                started = null;
            } catch (ExecutionException e) {
                started = null; // its failure changes nothing here: the journal trains it again
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (executor != null) {
            executor.shutdown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return unlisted;
    }
}
