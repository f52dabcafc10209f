package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.vicreg.CheckpointInfo;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint of over 100 MB through topics that keep Kafka's default message limit (1 MiB):
 * chunked in the trainer-state changelog and on the model topic, restored after a SIGKILL from the
 * changelog, and by a learner with an empty store from the model topic.
 */
class LargeCheckpointIT extends OnRealBroker {

    private static final Duration WAIT = Duration.ofSeconds(180);

    /** 16 → 1700 → 1700 | 1700 → 1700 → 16: 8.7 M parameters, with Adam's two slots 104 MB. */
    private static final Map<String, String> LARGE_MODEL =
            Map.of(
                    "model.hidden.size", "1700",
                    "model.projection.dim", "16",
                    "checkpoint.interval.steps", "2");

    private static final String HEAP = "2g";

    @Test
    void shouldSaveAndRestoreACheckpointOfOver100MbWithKafkasDefaultMessageLimits()
            throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 1, LARGE_MODEL)) {
            s.limitToDefaultMessageBytes(s.config.topics().model());
            LearnerProcess first = s.startLearner("a", Map.of(), HEAP);
            // The brokers of these tests take 64 MiB; the trainer's changelog gets Kafka's default.
            s.limitToDefaultMessageBytes(s.prefix + "-trainer-state-changelog");
            s.sendPairs(0, 32); // two steps: a checkpoint at step 2
            s.awaitEmbeddings(32, WAIT);
            s.awaitCheckpoints(1, WAIT);
            byte[] published = s.checkpoints.get(0);
            assertThat(published.length).isGreaterThan(100_000_000);
            assertThat(CheckpointInfo.of(published).step()).isEqualTo(2);
            first.kill();

            s.sendPairs(32, 64);
            try (LearnerProcess second = s.startLearner("a", Map.of(), HEAP)) {
                s.awaitEmbeddings(64, WAIT);

                assertThat(second.log())
                        .contains("Restored the model from its checkpoint: step=[2]");
                assertThat(s.embeddingCounts())
                        .hasSize(64)
                        .allSatisfy((id, n) -> assertThat(n).isOne());
                assertThat(s.metrics.get(s.metrics.size() - 1).step()).isEqualTo(4);
                assertThat(second.stop()).as(second.log()).isEqualTo(143);
            }
            s.awaitCheckpoints(2, WAIT);
            long latest = CheckpointInfo.of(s.checkpoints.get(s.checkpoints.size() - 1)).step();

            // An empty store: the checkpoint comes back from the model topic's chunks.
            try (LearnerProcess fresh =
                    s.startLearner(
                            "fresh",
                            Map.of(
                                    "application.id",
                                    s.prefix + "-fresh",
                                    "topic.pairs",
                                    s.prefix + ".pairs2"),
                            HEAP)) {
                await().atMost(WAIT)
                        .untilAsserted(
                                () ->
                                        assertThat(fresh.log())
                                                .contains(
                                                        "Restored the model from the model topic: step=["
                                                                + latest
                                                                + "]"));
                assertThat(fresh.isAlive()).as(fresh.log()).isTrue();
            }
        }
    }
}
