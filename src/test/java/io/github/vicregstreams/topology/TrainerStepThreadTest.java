package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.vicreg.StepResult;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TrainerStepThreadTest {

    private static final TrainerJournal.Batch BATCH =
            new TrainerJournal.Batch(List.of(), new long[0], 10);

    @Test
    void shouldRunTheStepOnAThreadOfItsOwnAndHandItsResultToTheCaller() {
        TrainerStepThread steps = TrainerStepThread.ownThread("0_0");
        AtomicReference<String> thread = new AtomicReference<>();

        AtomicLong counter = new AtomicLong(3);
        steps.start(
                BATCH,
                counter::get,
                () -> {
                    thread.set(Thread.currentThread().getName());
                    counter.incrementAndGet();
                    return null;
                });
        TrainerStepThread.Finished finished = steps.await();

        assertThat(thread.get()).isEqualTo("vicreg-training-step-0_0");
        assertThat(finished.batch()).isSameAs(BATCH);
        // The counter is read on the step's thread, before and after it.
        assertThat(finished.stepBefore()).isEqualTo(3);
        assertThat(finished.stepAfter()).isEqualTo(4);
        assertThat(steps.busy()).isFalse();
        assertThat(steps.stop()).isFalse();
    }

    @Test
    void shouldRunTheStepBeforeStartReturnsOnTheCallersThread() {
        TrainerStepThread steps = TrainerStepThread.callerThread();
        AtomicReference<Thread> thread = new AtomicReference<>();

        steps.start(BATCH, () -> 0, () -> record(thread));

        assertThat(thread.get()).isSameAs(Thread.currentThread());
        assertThat(steps.hasFinished()).isTrue();
        assertThat(steps.isOwnThread()).isFalse();
    }

    @Test
    void shouldRethrowWhatTheStepThrewAsItThrewIt() {
        TrainerStepThread steps = TrainerStepThread.ownThread("0_1");
        IllegalArgumentException thrown = new IllegalArgumentException("a ragged batch");

        steps.start(
                BATCH,
                () -> 0,
                () -> {
                    throw thrown;
                });

        assertThatThrownBy(steps::await).isSameAs(thrown);
        assertThat(steps.busy()).isFalse();
        // The model may hold part of that step: the processor must not checkpoint it on close.
        assertThat(steps.stop()).isTrue();
    }

    @Test
    void shouldKeepTheStepInFlightWhenTheWaitIsInterrupted() {
        TrainerStepThread steps = TrainerStepThread.ownThread("0_4");
        CountDownLatch release = new CountDownLatch(1);
        steps.start(BATCH, () -> 0, waitingFor(release));

        Thread.currentThread().interrupt();
        assertThatThrownBy(steps::await)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interrupted");
        assertThat(Thread.interrupted()).isTrue(); // the flag is kept for the caller

        // Still in flight: a close waits for it rather than closing the model under it.
        assertThat(steps.busy()).isTrue();
        release.countDown();
        assertThat(steps.stop()).isTrue();
    }

    @Test
    void shouldRefuseASecondStepWhileOneIsInFlight() throws InterruptedException {
        TrainerStepThread steps = TrainerStepThread.ownThread("0_2");
        CountDownLatch release = new CountDownLatch(1);
        steps.start(BATCH, () -> 0, waitingFor(release));

        assertThatThrownBy(() -> steps.start(BATCH, () -> 1, () -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in flight");
        release.countDown();
        assertThat(steps.await().stepBefore()).isZero();
        steps.stop();
    }

    @Test
    void shouldWaitForAStepInFlightWhenStoppedAndSayItsResultWasNotTaken()
            throws InterruptedException {
        TrainerStepThread steps = TrainerStepThread.ownThread("0_3");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        steps.start(
                BATCH,
                () -> 0,
                () -> {
                    waitingFor(release).get();
                    ended.countDown();
                    return null;
                });
        Thread releaser =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(50); // stop() is waiting by then
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            release.countDown();
                        });
        releaser.start();

        assertThat(steps.stop()).isTrue();
        // stop() returned after the step ended: the model may be closed now.
        assertThat(ended.await(0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(steps.busy()).isFalse();
        releaser.join();
    }

    private static StepResult record(AtomicReference<Thread> thread) {
        thread.set(Thread.currentThread());
        return null;
    }

    private static Supplier<StepResult> waitingFor(CountDownLatch release) {
        return () -> {
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
    }
}
