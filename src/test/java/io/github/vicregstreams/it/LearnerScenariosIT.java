package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The learner's guarantees against a real broker, with the learner in its own JVM as users run it:
 * exactly-once outputs, crash and restart without losing or repeating a pair, bad input at volume,
 * a broker outage, and two instances sharing the work.
 */
class LearnerScenariosIT extends OnRealBroker {

    private static final Duration WAIT = Duration.ofSeconds(120);

    /**
     * Every pair trained exactly once: one metrics event per step, batch sizes adding to n, and the
     * model's step counter advancing by one for every applied step, without a gap or a repeat (a
     * step skipped for a non-finite gradient keeps the counter, as designed).
     */
    private static void assertTrainedExactlyOnce(Scenario s, int pairs) {
        assertTrainedExactlyOnce(s, pairs, 0);
    }

    /**
     * As {@link #assertTrainedExactlyOnce(Scenario, int)}, with {@code replaySteps} replay steps
     * after every incoming batch: they publish no metrics event, and the next event's step counts
     * them (a buffer of 16 pairs or more replays from the first batch on).
     */
    private static void assertTrainedExactlyOnce(Scenario s, int pairs, int replaySteps) {
        List<MetricsEvent> steps = s.metrics;
        assertThat(steps.stream().mapToInt(MetricsEvent::batchSize).sum()).isEqualTo(pairs);
        long expected = 0;
        for (MetricsEvent m : steps) {
            expected += m.applied() ? 1 : 0;
            assertThat(m.step()).as("step counter after %s", m).isEqualTo(expected);
            expected += replaySteps;
        }
    }

    private static void assertEmbeddedExactlyOnce(Scenario s, int pairs) {
        Map<String, Long> counts = s.embeddingCounts();
        assertThat(counts).hasSize(pairs);
        assertThat(counts.values()).allMatch(c -> c == 1);
    }

    private static void awaitEmbeddings(Scenario s, int pairs) {
        s.awaitEmbeddings(pairs, WAIT);
    }

    @Test
    void shouldEmbedEveryPairExactlyOnceWithMetricsAndACheckpoint() throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 2, Map.of());
                LearnerProcess learner = s.startLearner("a")) {
            s.sendPairs(0, 200);

            awaitEmbeddings(s, 200);

            assertEmbeddedExactlyOnce(s, 200);
            assertTrainedExactlyOnce(s, 200);
            assertThat(s.checkpoints).isNotEmpty();
            assertThat(CheckpointInfo.of(s.checkpoints.get(s.checkpoints.size() - 1)).step())
                    .isLessThanOrEqualTo(s.metrics.size());
            EmbeddingEvent p7 =
                    s.embeddings.stream()
                            .filter(e -> e.id().equals("p7"))
                            .findFirst()
                            .orElseThrow();
            assertThat(p7.metadata().json()).isEqualTo("{\"index\":7}");
            assertThat(p7.source()).isEqualTo(EmbeddingEvent.Source.TRAINING);
            assertThat(p7.dimension()).isEqualTo(32);
            assertThat(learner.isAlive()).isTrue();
        }
    }

    @Test
    void shouldResumeFromTheLastCheckpointAfterSigkillLosingAndRepeatingNothing() throws Exception {
        resumeAfterSigkill(Map.of(), 0);
    }

    /**
     * The same with replay on: the restart restores the buffer saved with the checkpoint and trains
     * the journal's batches and their replay steps again, so the step counter goes on without a gap
     * or a repeat (weights bit for bit: {@code TrainingProcessorReplayTest}).
     */
    @Test
    void shouldResumeWithReplayAfterSigkillLosingAndRepeatingNothing() throws Exception {
        resumeAfterSigkill(
                Map.of(
                        "train.replay.capacity", "64",
                        "train.replay.updates", "2",
                        "train.replay.eviction", "reservoir"),
                2);
    }

    /**
     * The same with the trainer reading pair events itself: the pair-events topic is its journal,
     * read back and parsed again after the kill.
     */
    @Test
    void shouldResumeReadingPairEventsItselfAfterSigkillLosingAndRepeatingNothing()
            throws Exception {
        resumeAfterSigkill(Map.of("train.source", "pair-events"), 0);
    }

    private void resumeAfterSigkill(Map<String, String> overrides, int replaySteps)
            throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 1, overrides)) {
            LearnerProcess first = s.startLearner("a");
            int sent = 0;
            // Feed slowly, so that the kill lands in the middle of training.
            while (s.metrics.size() < 12) {
                s.sendPairs(sent, sent + 16);
                sent += 16;
                long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
                while (System.nanoTime() < until) {
                    s.poll();
                }
                assertThat(sent)
                        .as("the learner trains while pairs arrive; log:%n%s", first.log())
                        .isLessThan(2_000);
            }
            first.kill();
            long stepsBeforeKill = s.metrics.size();
            int total = sent + 160;
            s.sendPairs(sent, total);

            try (LearnerProcess second = s.startLearner("a")) {
                awaitEmbeddings(s, total);

                assertEmbeddedExactlyOnce(s, total);
                assertTrainedExactlyOnce(s, total, replaySteps);
                assertThat(s.metrics.size()).isGreaterThan((int) stepsBeforeKill);
                assertThat(second.log()).contains("Restored the model from its checkpoint");
                if (replaySteps > 0) {
                    assertThat(second.log()).contains("Restored the replay buffer");
                }
            }
        }
    }

    @Test
    void shouldRestartCleanlyInSecondsWithoutLosingAPair() throws Exception {
        // No idle checkpoint before the stop: this test is about the one taken for the stop.
        try (Scenario s =
                new Scenario(
                        kafka,
                        dir,
                        1,
                        Map.of(
                                "consumer.session.timeout.ms",
                                "45000",
                                "checkpoint.idle.ms",
                                "600000"))) {
            LearnerProcess first = s.startLearner("a");
            s.sendPairs(0, 168); // 10 full batches, and 8 pairs the batch window releases
            awaitEmbeddings(s, 168);
            // 143: terminated by SIGTERM, after the shutdown hook has run.
            assertThat(first.stop()).as(first.log()).isEqualTo(143);
            long closeStep = s.metrics.get(s.metrics.size() - 1).step();
            // The stop publishes the last steps' checkpoint before the learner is gone: the model
            // topic is not a checkpoint behind while it is down (it was, before issue #19).
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                s.poll();
                                assertThat(s.checkpoints).isNotEmpty();
                                assertThat(
                                                CheckpointInfo.of(
                                                                s.checkpoints.get(
                                                                        s.checkpoints.size() - 1))
                                                        .step())
                                        .isEqualTo(closeStep);
                            });

            long restart = System.nanoTime();
            try (LearnerProcess second = s.startLearner("a")) {
                s.sendPairs(168, 184);
                awaitEmbeddings(s, 184);
                Duration took = Duration.ofNanos(System.nanoTime() - restart);

                assertEmbeddedExactlyOnce(s, 184);
                assertTrainedExactlyOnce(s, 184);
                assertThat(second.log())
                        .contains(
                                "Restored the model from its checkpoint: step=[" + closeStep + "]");
                // Leaving the group on close: the restart does not wait for the 45 s session
                // time-out.
                assertThat(took).isLessThan(Duration.ofSeconds(40));
                System.out.println(
                        "Clean restart to first new embedding: " + took.toMillis() + " ms");
            }
        }
    }

    /**
     * The trainer's journal topic deleted and created again while the learner is stopped (as a new
     * cluster is, under the state directory of an earlier one): its offsets start from 0 again,
     * below those the trainer's restored state counted. Before the trainer kept the topic's ID, it
     * took the new pairs for ones delivered already and trained none of them.
     */
    @Test
    void shouldTrainEveryPairOfAJournalTopicCreatedAgainUnderItsName() throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 1, Map.of("train.source", "pair-events"))) {
            LearnerProcess first = s.startLearner("a");
            s.sendPairs(0, 160);
            awaitEmbeddings(s, 160);
            assertThat(first.stop()).as(first.log()).isEqualTo(143);

            s.createAgain(s.config.topics().pairEvents());
            s.sendPairs(160, 320);
            try (LearnerProcess second = s.startLearner("a")) {
                awaitEmbeddings(s, 320);

                assertEmbeddedExactlyOnce(s, 320);
                assertTrainedExactlyOnce(s, 320);
                assertThat(second.log()).contains("Restored the model from its checkpoint");
                assertThat(second.log()).contains("now has topic ID");
            }
        }
    }

    @Test
    void shouldDeadLetterThousandsOfBadRecordsAndTrainEveryGoodOne() throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 2, Map.of());
                LearnerProcess learner = s.startLearner("a")) {
            List<String> bad =
                    List.of(
                            "not json",
                            "{\"id\":\"x\",\"view\":2,\"features\":[1]}",
                            "{\"id\":\"x\",\"view\":0,\"features\":[1,2,3]}",
                            "{\"id\":\"x\",\"view\":0,\"featuresF32\":\"!!!\"}",
                            "[1,2,3]",
                            "{\"view\":0,\"features\":[]}");
            int good = 0;
            for (int i = 0; i < 2_400; i++) {
                if (i % 8 == 0) {
                    s.sendPairs(good, good + 1);
                    good++;
                } else {
                    String value = bad.get(i % bad.size());
                    s.send(
                            ("x").getBytes(StandardCharsets.UTF_8),
                            value.getBytes(StandardCharsets.UTF_8));
                }
            }
            s.flush();
            int badCount = 2_400 - good;
            // A batch has at least 2 pairs: when the stream thread is held up past the batch window
            // just before the last good pair, the pairs before it are trained without it, and it
            // waits alone for the next one. The stream goes on, as streams do, with two more.
            awaitEmbeddings(s, good - 1);
            s.sendPairs(good, good + 2);
            good += 2;
            s.flush();

            awaitEmbeddings(s, good);
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> {
                                s.poll();
                                assertThat(s.deadLetters).hasSize(badCount);
                            });

            assertEmbeddedExactlyOnce(s, good);
            assertThat(s.deadLetters.stream().map(d -> d.reason()).collect(Collectors.toSet()))
                    .contains(
                            "not_json",
                            "bad_view",
                            "wrong_feature_count",
                            "bad_features_f32",
                            "wrong_shape");
            byte[] last = s.checkpoints.get(s.checkpoints.size() - 1);
            try (VicregTrainer model = VicregTrainer.restore(last, null, DeviceChoice.CPU)) {
                float[][] out = model.embed(new float[][] {Scenario.features(1, 0)});
                for (float v : out[0]) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
            assertThat(learner.isAlive()).isTrue();
        }
    }

    @Test
    void shouldRecoverFromABrokerOutageWithoutLosingOrRepeatingAPair() throws Exception {
        // A broker of its own: the outage must not leak into the other scenarios.
        try (KafkaBackend own = KafkaBackend.startDedicated();
                Scenario s = new Scenario(own, dir, 1, Map.of());
                LearnerProcess learner = s.startLearner("a")) {
            s.sendPairs(0, 96);
            awaitEmbeddings(s, 96);

            own.outage(Duration.ofSeconds(8));
            s.sendPairs(96, 192);

            awaitEmbeddings(s, 192);
            assertEmbeddedExactlyOnce(s, 192);
            assertTrainedExactlyOnce(s, 192);
            assertThat(learner.isAlive()).as(learner.log()).isTrue();
        }
    }

    @Test
    void shouldShareTheWorkBetweenTwoInstancesWithOneTrainer() throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 2, Map.of());
                LearnerProcess a = s.startLearner("a");
                LearnerProcess b = s.startLearner("b")) {
            s.sendPairs(0, 320);

            awaitEmbeddings(s, 320);

            assertEmbeddedExactlyOnce(s, 320);
            assertTrainedExactlyOnce(s, 320);
            assertThat(a.isAlive()).as(a.log()).isTrue();
            assertThat(b.isAlive()).as(b.log()).isTrue();
            // One trainer at a time: a single sequence of steps (checked above) across both
            // instances.
        }
    }
}
