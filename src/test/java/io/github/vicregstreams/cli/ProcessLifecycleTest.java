package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessLifecycleTest {

    private final List<String> stopped = new ArrayList<>();

    @Test
    void shouldStopResourcesInReverseOrderOnceWhenClosedTwice() throws InterruptedException {
        ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("test-shutdown");
        lifecycle.add("directory", stopped::add);
        lifecycle.add("broker", stopped::add);
        lifecycle.add("learner", stopped::add);

        lifecycle.close();
        lifecycle.close();

        assertThat(stopped).containsExactly("learner", "broker", "directory");
        assertThat(lifecycle.stopping()).isTrue();
        assertThat(lifecycle.interrupted()).isFalse();
        assertThat(lifecycle.awaitStop(Duration.ZERO)).isTrue();
    }

    @Test
    void shouldStopOneResourceEarlyAndNotAgainWhenStoppedNow() {
        try (ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("test-shutdown")) {
            lifecycle.add("broker", stopped::add);
            String learner = lifecycle.add("learner", stopped::add);
            lifecycle.add((String) null, stopped::add);

            lifecycle.stopNow(learner);
            lifecycle.stopNow(null);
            assertThat(stopped).containsExactly("learner");
        }
        assertThat(stopped).containsExactly("learner", "broker");
    }

    @Test
    void shouldStopAResourceAndAbortWhenItStartedAfterTheStop() {
        ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("test-shutdown");
        lifecycle.close();

        assertThatThrownBy(() -> lifecycle.add("late learner", stopped::add))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Interrupted");
        assertThat(stopped).containsExactly("late learner");
    }

    @Test
    void shouldStopTheOthersAndThrowTheFailureWhenOneFailsToStop() {
        ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("test-shutdown");
        lifecycle.add("broker", stopped::add);
        lifecycle.add(
                "learner",
                learner -> {
                    throw new IllegalStateException("learner did not stop");
                });

        assertThatThrownBy(lifecycle::close).hasMessage("learner did not stop");
        assertThat(stopped).containsExactly("broker");
    }

    @Test
    void shouldWaitUntilStoppedWhenAnotherThreadStops() throws InterruptedException {
        try (ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("test-shutdown")) {
            assertThat(lifecycle.awaitStop(Duration.ofMillis(10))).isFalse();
            Thread stopper = new Thread(lifecycle::stop);
            stopper.start();

            assertThat(lifecycle.awaitStop(Duration.ofSeconds(10))).isTrue();
            stopper.join();
        }
    }
}
