package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.ForgedCheckpoints;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Single records that once stopped the learner for good — it crashed again on every restart — sent
 * through a real broker to a learner in its own JVM: each is refused or survived, and the stream
 * goes on.
 */
class PoisonRecordsIT extends OnRealBroker {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void shouldDeadLetterUtf16AndUtf32JsonWithMetadataAndTrainEveryGoodPair() throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 2, Map.of());
                LearnerProcess learner = s.startLearner("a")) {
            s.sendPairs(0, 16);
            String view =
                    "{\"id\":\"u\",\"view\":0,\"features\":"
                            + Arrays.toString(Scenario.features(0, 0))
                            + ",\"metadata\":{\"label\":3}}";
            s.send(utf8("u"), view.getBytes(StandardCharsets.UTF_16LE));
            s.send(utf8("u"), view.getBytes(Charset.forName("UTF-32BE")));
            String sample = new String(Scenario.sampleJson("q", 0), StandardCharsets.UTF_8);
            s.send(
                    s.config.topics().samples(),
                    utf8("q"),
                    sample.replace("]}", "],\"metadata\":{\"k\":1}}")
                            .getBytes(StandardCharsets.UTF_16BE));
            s.sendPairs(16, 32);

            s.awaitEmbeddings(32, WAIT);
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> {
                                s.poll();
                                assertThat(s.deadLetters).hasSize(3);
                            });

            assertThat(s.deadLetters).allMatch(d -> d.reason().equals("not_json"));
            assertThat(s.deadLetters.get(0).detail()).contains("must be UTF-8 JSON (RFC 8259)");
            assertThat(s.embeddingCounts())
                    .hasSize(32)
                    .allSatisfy((id, n) -> assertThat(n).isOne());
            assertThat(learner.isAlive()).as(learner.log()).isTrue();
        }
    }

    @Test
    void shouldSkipAStepOfExtremeFeaturesKeepTrainingAndResumeFromTheModelTopicWithAnEmptyStore()
            throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 1, Map.of())) {
            LearnerProcess first = s.startLearner("a");
            float[] extreme = new float[Scenario.INPUT_DIM];
            Arrays.fill(extreme, 1e20f);
            for (int view = 0; view < 2; view++) {
                String json =
                        "{\"id\":\"x\",\"view\":"
                                + view
                                + ",\"features\":"
                                + Arrays.toString(extreme)
                                + "}";
                s.send(utf8("x"), utf8(json));
            }
            s.sendPairs(0, 31); // the extreme pair's batch, then a whole one

            s.awaitEmbeddings(31, WAIT);
            s.awaitSteps(2, WAIT);
            assertThat(s.metrics.get(0).applied()).isFalse();
            assertThat(s.metrics.get(1).applied()).isTrue();
            // The idle timer checkpoints and publishes: it once hit the poisoned journal and
            // crashed.
            s.awaitCheckpoints(1, WAIT);
            assertThat(first.isAlive()).as(first.log()).isTrue();
            assertThat(first.stop()).as(first.log()).isEqualTo(143);
            long published = CheckpointInfo.of(s.checkpoints.get(s.checkpoints.size() - 1)).step();
            int stepsBefore = s.metrics.size();

            // A new application id has an empty store and changelog, as after an application reset.
            try (LearnerProcess fresh =
                    s.startLearner(
                            "fresh",
                            Map.of(
                                    "application.id",
                                    s.prefix + "-fresh",
                                    "topic.pairs",
                                    s.prefix + ".pairs2"))) {
                s.awaitSteps(stepsBefore + 2, WAIT);

                assertThat(fresh.log())
                        .contains(
                                "Restored the model from the model topic: step=["
                                        + published
                                        + "]");
                MetricsEvent firstApplied =
                        s.metrics.subList(stepsBefore, s.metrics.size()).stream()
                                .filter(MetricsEvent::applied)
                                .findFirst()
                                .orElseThrow();
                assertThat(firstApplied.step()).isEqualTo(published + 1);
                assertThat(fresh.isAlive()).as(fresh.log()).isTrue();
            }
        }
    }

    @Test
    void shouldDeadLetterAViewOfMegabytesTruncatedToFitAndTrainEveryGoodPair() throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 1, Map.of())) {
            s.raiseMaxMessageBytes(s.config.topics().views());
            try (LearnerProcess learner = s.startLearner("a")) {
                byte[] huge = new byte[6_200_000];
                Arrays.fill(huge, (byte) ' ');
                s.sendAndWait(s.config.topics().views(), utf8("big"), huge);
                s.sendPairs(0, 32);

                DeadLetter letter = s.awaitDeadLetter("record_too_large", WAIT);
                s.awaitEmbeddings(32, WAIT);

                assertThat(letter.truncated()).isTrue();
                assertThat(letter.valueLength()).isEqualTo(6_200_000);
                assertThat(letter.value()).hasSize(DeadLetter.MAX_COPIED_BYTES - 3);
                assertThat(letter.detail())
                        .endsWith("[value truncated to 5999997 of 6200000 bytes]");
                assertThat(s.embeddingCounts()).hasSize(32);
                assertThat(learner.isAlive()).as(learner.log()).isTrue();
            }
        }
    }

    @Test
    void shouldRefuseAForgedCheckpointOnTheModelTopicAndKeepServingAfterARestart()
            throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 1, Map.of())) {
            LearnerProcess first = s.startLearner("a");
            s.sendPairs(0, 80); // 5 steps: one checkpoint
            s.awaitEmbeddings(80, WAIT);
            s.awaitCheckpoints(1, WAIT);
            byte[] good = s.checkpoints.get(s.checkpoints.size() - 1);
            long goodStep = CheckpointInfo.of(good).step();
            // Valid CRC32C, parameter count 2^31 - 1: once an OutOfMemoryError on every instance's
            // global thread at every start, whatever good checkpoint came after it.
            s.sendAndWait(
                    s.config.topics().model(),
                    utf8(s.config.modelName()),
                    ForgedCheckpoints.withParameterCount(good, 0x7fffffff));
            s.sendAndWait(s.config.topics().samples(), utf8("q1"), Scenario.sampleJson("q1", 1));
            s.awaitEmbeddings(81, WAIT);
            assertThat(first.isAlive()).as(first.log()).isTrue();
            assertThat(first.log()).contains("Refused a model-topic record");
            assertThat(first.stop()).as(first.log()).isEqualTo(143);

            try (LearnerProcess second = s.startLearner("a")) {
                s.sendAndWait(
                        s.config.topics().samples(), utf8("q2"), Scenario.sampleJson("q2", 2));
                s.awaitEmbeddings(82, WAIT);

                EmbeddingEvent q2 =
                        s.embeddings.stream()
                                .filter(e -> e.id().equals("q2"))
                                .findFirst()
                                .orElseThrow();
                assertThat(q2.source()).isEqualTo(EmbeddingEvent.Source.INFERENCE);
                assertThat(q2.modelStep()).isGreaterThanOrEqualTo(goodStep);
                assertThat(second.log()).contains("Refused a model-topic record");
                assertThat(second.isAlive()).as(second.log()).isTrue();
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
