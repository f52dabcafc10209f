package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop asks the trainer to publish its unsaved steps before Kafka Streams closes ({@link
 * LearnerApp#close()}): a closing processor cannot forward, so without the request the model topic
 * stayed one checkpoint behind until the next start.
 */
class TrainerFlushTest {

    @TempDir Path stateDir;

    /** No checkpoint by interval or idleness within the test: only the request publishes. */
    private static final Map<String, Object> NO_CHECKPOINT_BUT_ON_REQUEST =
            Map.of(
                    LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG,
                    10,
                    LearnerConfig.CHECKPOINT_IDLE_MS_CONFIG,
                    3_600_000L);

    @Test
    void shouldPublishTheUnsavedStepsAtTheNextPunctuationWhenAStopAsks() {
        TrainerFlush flush = new TrainerFlush();
        try (LearnerDriver d = new LearnerDriver(stateDir, NO_CHECKPOINT_BUT_ON_REQUEST, flush)) {
            d.sendPairs("s", 4, 1_000); // step 1, not checkpointed
            d.advanceWallClock(Duration.ofSeconds(1));
            assertThat(d.model.isEmpty()).isTrue();

            flush.request();
            d.advanceWallClock(Duration.ofSeconds(1));

            assertThat(flush.await(Duration.ZERO)).isTrue();
            assertThat(CheckpointHeaders.step(d.readCheckpoint().headers())).isEqualTo(1);
        }
    }

    @Test
    void shouldPublishEveryStepTrainedAfterTheRequestBeforeTheClose() {
        TrainerFlush flush = new TrainerFlush();
        try (LearnerDriver d = new LearnerDriver(stateDir, NO_CHECKPOINT_BUT_ON_REQUEST, flush)) {
            flush.request();
            d.advanceWallClock(Duration.ofSeconds(1));
            assertThat(flush.await(Duration.ZERO)).isTrue(); // nothing to publish yet

            d.sendPairs("s", 4, 1_000); // step 1, after the request

            assertThat(CheckpointHeaders.step(d.readCheckpoint().headers())).isEqualTo(1);
        }
    }

    @Test
    void shouldNotWaitWhenNoTrainerRunsOnThisInstance() {
        TrainerFlush flush = new TrainerFlush();

        flush.request();

        assertThat(flush.await(Duration.ofMinutes(1))).isTrue();
    }

    @Test
    void shouldStopWaitingWhenTheTrainerClosesFirst() {
        TrainerFlush flush = new TrainerFlush();
        flush.trainerStarted();
        flush.request();
        assertThat(flush.await(Duration.ZERO)).isFalse();

        flush.trainerClosed();

        assertThat(flush.await(Duration.ofMinutes(1))).isTrue();
    }
}
