package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.StepResult;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerTopologyTest {

    @TempDir Path stateDir;

    private LearnerDriver driver() {
        return new LearnerDriver(stateDir, Map.of());
    }

    private LearnerDriver driver(Map<String, Object> overrides) {
        return new LearnerDriver(stateDir, overrides);
    }

    /** The features of a view as the learner reads them from the JSON the driver sends. */
    private static float[] parsedFeatures(String id, int view) {
        String json = LearnerDriver.json(id, view, LearnerDriver.features(id, view), null);
        return FeatureEventParser.views(LearnerDriver.INPUT_DIM)
                .parse(id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8))
                .value()
                .features();
    }

    @Test
    void shouldTrainOneStepAndEmbedEveryPairWhenABatchIsFull() {
        try (LearnerDriver d = driver()) {
            d.sendPairs("s", 4, 1_000);

            List<EmbeddingEvent> embeddings = d.embeddings.readValuesToList();
            List<MetricsEvent> metrics = d.metrics.readValuesToList();

            assertThat(embeddings)
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("s0", "s1", "s2", "s3");
            assertThat(embeddings)
                    .allSatisfy(
                            e -> {
                                assertThat(e.source()).isEqualTo(EmbeddingEvent.Source.TRAINING);
                                assertThat(e.modelStep()).isZero();
                                assertThat(e.dimension()).isEqualTo(16);
                                assertThat(e.timestamp()).isEqualTo(1_000);
                            });
            assertThat(metrics).hasSize(1);
            assertThat(metrics.get(0).step()).isEqualTo(1);
            assertThat(metrics.get(0).batchSize()).isEqualTo(4);
            assertThat(metrics.get(0).applied()).isTrue();
            assertThat(d.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldPublishTheStepsOfItsOwnThreadInOrderOnceEach() throws InterruptedException {
        // The default: steps on a thread of their own, published by the stream thread once ended.
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_STEP_THREAD_CONFIG, true))) {
            d.sendPairs("s", 12, 1_000); // three batches: 1 and 2 published as 2 and 3 start

            List<EmbeddingEvent> embeddings = new ArrayList<>();
            List<MetricsEvent> metrics = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (metrics.size() < 3 && System.nanoTime() < deadline) {
                // Step 3 ended on its thread; the stream thread's punctuator publishes it.
                Thread.sleep(5);
                d.advanceWallClock(Duration.ofMillis(20));
                embeddings.addAll(d.embeddings.readValuesToList());
                metrics.addAll(d.metrics.readValuesToList());
            }

            assertThat(metrics).extracting(MetricsEvent::step).containsExactly(1L, 2L, 3L);
            assertThat(embeddings)
                    .extracting(EmbeddingEvent::id)
                    .containsExactly(
                            "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10",
                            "s11");
            assertThat(embeddings)
                    .extracting(EmbeddingEvent::modelStep)
                    .containsExactly(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 2L, 2L, 2L, 2L);
            assertThat(d.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldPairViewsThatArriveOutOfOrder() {
        try (LearnerDriver d = driver()) {
            for (int i = 0; i < 4; i++) {
                d.send("s" + i, 1, 100 + i);
            }
            for (int i = 3; i >= 0; i--) {
                d.send("s" + i, 0, 200 + i);
            }

            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactlyInAnyOrder("s0", "s1", "s2", "s3");
            assertThat(d.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldCarryMetadataThroughToTheEmbeddingUntouched() {
        try (LearnerDriver d = driver()) {
            String metadata = "{\"label\":7,\"tenant\":\"ü-42\",\"trace\":{\"id\":\"abc\"}}";
            d.send("m0", 0, 10, metadata);
            d.send("m0", 1, 11);
            d.sendPairs("x", 3, 12);

            EmbeddingEvent first = d.embeddings.readValuesToList().get(0);

            assertThat(first.id()).isEqualTo("m0");
            assertThat(first.metadata().json()).isEqualTo(metadata);
        }
    }

    @Test
    void shouldKeepTheFirstCopyAndDeadLetterADuplicateView() {
        try (LearnerDriver d = driver()) {
            d.send("d0", 0, 10, "{\"copy\":1}");
            d.send("d0", 0, 11, "{\"copy\":2}");
            d.send("d0", 1, 12);
            d.sendPairs("x", 3, 13);

            List<DeadLetter> dead = d.deadLetters.readValuesToList();
            EmbeddingEvent embedding = d.embeddings.readValuesToList().get(0);

            assertThat(dead)
                    .singleElement()
                    .satisfies(l -> assertThat(l.reason()).isEqualTo("duplicate"));
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
                    .contains("\"copy\":2");
            assertThat(embedding.metadata().json()).isEqualTo("{\"copy\":1}");
        }
    }

    @Test
    void shouldDeadLetterAViewWhosePartnerComesAfterTheWindow() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 1_000L))) {
            d.send("late", 0, 0);
            d.send("late", 1, 1_001);

            List<DeadLetter> dead = d.deadLetters.readValuesToList();

            assertThat(dead)
                    .singleElement()
                    .satisfies(
                            l -> {
                                assertThat(l.reason()).isEqualTo("orphan");
                                assertThat(l.detail())
                                        .contains("view 0 of id late was never paired");
                                assertThat(l.offset()).isZero();
                            });
            assertThat(d.embeddings.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldPairViewsExactlyAtTheWindowEdge() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 1_000L))) {
            d.send("edge", 0, 0);
            d.send("edge", 1, 1_000);
            d.sendPairs("x", 3, 1_000);

            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .contains("edge");
            assertThat(d.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterOrphansWithTheirOriginalBytesWhenStreamTimePassesTheWindow() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 1_000L))) {
            d.send("alone", 1, 0);
            byte[] original =
                    LearnerDriver.json("alone", 1, LearnerDriver.features("alone", 1), null)
                            .getBytes(StandardCharsets.UTF_8);
            d.send("other", 0, 2_500);
            d.send("other", 1, 2_500);

            List<TestRecord<byte[], DeadLetter>> dead = d.deadLetters.readRecordsToList();

            assertThat(dead).extracting(r -> r.value().reason()).containsExactly("orphan");
            DeadLetter letter = dead.get(0).value();
            assertThat(letter.value()).isEqualTo(original);
            assertThat(letter.key()).isEqualTo("alone".getBytes(StandardCharsets.UTF_8));
            assertThat(letter.topic()).isEqualTo("vicreg.views");
        }
    }

    @Test
    void shouldTrainOnPairEventsWithoutPairingAndEmbedEachAsAPairOfViewsWouldBe() {
        List<EmbeddingEvent> fromViews;
        try (LearnerDriver d = driver()) {
            d.sendPairs("s", 4, 10);
            fromViews = d.embeddings.readValuesToList();
        }
        try (LearnerDriver d = new LearnerDriver(stateDir.resolve("pair-events"), Map.of())) {
            for (int i = 0; i < 4; i++) {
                d.sendPairEvent("s" + i, 10);
            }

            List<EmbeddingEvent> fromPairEvents = d.embeddings.readValuesToList();
            assertThat(fromPairEvents)
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("s0", "s1", "s2", "s3");
            for (int i = 0; i < 4; i++) {
                assertThat(fromPairEvents.get(i).embedding())
                        .containsExactly(fromViews.get(i).embedding());
            }
            assertThat(d.metrics.readValuesToList()).hasSize(1);
            assertThat(d.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterABadPairEventWithItsReasonAndOriginalBytesAndGoOn() {
        try (LearnerDriver d = driver()) {
            String oneView = "{\"id\": \"bad\", \"features\": [[1, 2, 3, 4, 5, 6, 7, 8]]}";
            d.sendPairEventRaw("bad", oneView, 10);
            for (int i = 0; i < 4; i++) {
                d.sendPairEvent("s" + i, 10);
            }

            DeadLetter letter = d.deadLetters.readValue();
            assertThat(letter.reason()).isEqualTo("wrong_shape");
            assertThat(letter.detail()).contains("exactly two views");
            assertThat(letter.value()).isEqualTo(oneView.getBytes(StandardCharsets.UTF_8));
            assertThat(letter.topic()).isEqualTo("vicreg.pair-events");
            assertThat(d.embeddings.readValuesToList()).hasSize(4);
        }
    }

    @Test
    void shouldTrainOnPairEventsInTheTrainersOwnTaskAsThroughThePairsTopicInEitherForm() {
        List<EmbeddingEvent> throughPairsTopic;
        try (LearnerDriver d = driver()) {
            for (int i = 0; i < 3; i++) {
                d.sendPairEvent("s" + i, 10);
            }
            d.sendBinaryPairEvent("s3", 10);
            throughPairsTopic = d.embeddings.readValuesToList();
        }
        try (LearnerDriver d =
                new LearnerDriver(
                        stateDir.resolve("direct"),
                        Map.of(LearnerConfig.TRAIN_SOURCE_CONFIG, "pair-events"))) {
            String oneView = "{\"id\": \"bad\", \"features\": [[1, 2, 3, 4, 5, 6, 7, 8]]}";
            d.sendPairEventRaw("bad", oneView, 10);
            for (int i = 0; i < 3; i++) {
                d.sendPairEvent("s" + i, 10);
            }
            d.sendBinaryPairEvent("s3", 10);

            List<EmbeddingEvent> direct = d.embeddings.readValuesToList();
            assertThat(direct)
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("s0", "s1", "s2", "s3");
            for (int i = 0; i < 4; i++) {
                assertThat(direct.get(i).embedding())
                        .containsExactly(throughPairsTopic.get(i).embedding());
            }
            DeadLetter letter = d.deadLetters.readValue();
            assertThat(letter.reason()).isEqualTo("wrong_shape");
            assertThat(letter.topic()).isEqualTo("vicreg.pair-events");
            assertThat(d.metrics.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void shouldReadNeitherTheViewsNorThePairsTopicWhenTheTrainerReadsPairEvents() {
        LearnerConfig config =
                LearnerConfig.of(
                        Map.of(
                                LearnerConfig.MODEL_INPUT_DIM_CONFIG,
                                LearnerDriver.INPUT_DIM,
                                LearnerConfig.TRAIN_SOURCE_CONFIG,
                                "pair-events"));

        TopologyDescription description = LearnerTopology.build(config).describe();

        List<String> trainerTopics = new ArrayList<>();
        List<String> otherTopics = new ArrayList<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            boolean trains =
                    sub.nodes().stream().anyMatch(n -> n.name().equals(LearnerTopology.TRAIN));
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    (trains ? trainerTopics : otherTopics).addAll(source.topicSet());
                }
            }
        }
        assertThat(trainerTopics).containsExactly("vicreg.pair-events");
        assertThat(otherTopics).doesNotContain("vicreg.views", "vicreg.pairs");
    }

    @Test
    void shouldReleaseABatchByStreamTimeWhenTheWindowPasses() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 8))) {
            d.sendPairs("a", 2, 0);
            d.sendPairs("b", 1, 500);
            assertThat(d.metrics.isEmpty()).isTrue();

            d.sendPairs("c", 1, 1_000);

            assertThat(d.metrics.readValuesToList())
                    .singleElement()
                    .satisfies(m -> assertThat(m.batchSize()).isEqualTo(4));
            assertThat(d.embeddings.readValuesToList()).hasSize(4);
        }
    }

    @Test
    void shouldReleaseABatchByWallClockWhenTheStreamIsIdle() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 8))) {
            d.sendPairs("a", 3, 0);
            d.advanceWallClock(Duration.ofMillis(999));
            assertThat(d.metrics.isEmpty()).isTrue();

            d.advanceWallClock(Duration.ofMillis(1));

            assertThat(d.metrics.readValuesToList())
                    .singleElement()
                    .satisfies(m -> assertThat(m.batchSize()).isEqualTo(3));
        }
    }

    @Test
    void shouldWaitForAFullBatchWhilePairsKeepArriving() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 4))) {
            // A backlog read slowly: the first pair waits 1.8 s of wall-clock time, but the stream
            // is never idle for the 1 s window, and its stream time stands still.
            d.sendPairs("a", 1, 0);
            d.advanceWallClock(Duration.ofMillis(600));
            d.sendPairs("b", 1, 0);
            d.advanceWallClock(Duration.ofMillis(600));
            d.sendPairs("c", 1, 0);
            d.advanceWallClock(Duration.ofMillis(600));
            assertThat(d.metrics.isEmpty()).isTrue();

            d.sendPairs("d", 1, 0);

            assertThat(d.metrics.readValuesToList())
                    .singleElement()
                    .satisfies(m -> assertThat(m.batchSize()).isEqualTo(4));
        }
    }

    @Test
    void shouldNotTakeAStallOfTheStreamThreadForAnIdleStream() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 8))) {
            d.sendPairs("a", 3, 0);
            // Blocked for 5 windows (a checkpoint with its replay buffer, a slow commit): the pairs
            // sent meanwhile wait unread, so the 3 pairs are no batch of their own.
            d.stall(Duration.ofSeconds(5));
            assertThat(d.metrics.isEmpty()).isTrue();

            d.sendPairs("b", 5, 0);

            assertThat(d.metrics.readValuesToList())
                    .singleElement()
                    .satisfies(m -> assertThat(m.batchSize()).isEqualTo(8));
        }
    }

    @Test
    void shouldReleaseTheWaitingPairsOneWindowAfterAStallWhenNoneCame() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 8))) {
            d.sendPairs("a", 3, 0);
            d.stall(Duration.ofSeconds(5));
            d.advanceWallClock(Duration.ofMillis(900));
            assertThat(d.metrics.isEmpty()).isTrue();

            d.advanceWallClock(Duration.ofMillis(100));

            assertThat(d.metrics.readValuesToList())
                    .singleElement()
                    .satisfies(m -> assertThat(m.batchSize()).isEqualTo(3));
        }
    }

    @Test
    void shouldNeverTrainOnFewerThanTwoPairs() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 8))) {
            d.sendPairs("a", 1, 0);
            d.advanceWallClock(Duration.ofSeconds(5));
            d.sendPairs("b", 0, 5_000);
            assertThat(d.metrics.isEmpty()).isTrue();

            d.sendPairs("c", 1, 5_000);

            assertThat(d.metrics.readValuesToList())
                    .singleElement()
                    .satisfies(m -> assertThat(m.batchSize()).isEqualTo(2));
        }
    }

    @Test
    void shouldTrainFullBatchesAndKeepTheRemainderWaiting() {
        try (LearnerDriver d =
                driver(Map.of(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 100))) {
            d.sendPairs("s", 9, 0);

            List<MetricsEvent> metrics = d.metrics.readValuesToList();
            List<EmbeddingEvent> embeddings = d.embeddings.readValuesToList();

            assertThat(metrics).extracting(MetricsEvent::step).containsExactly(1L, 2L);
            assertThat(embeddings).hasSize(8);
            assertThat(embeddings.stream().map(EmbeddingEvent::id).collect(Collectors.toSet()))
                    .hasSize(8);
            assertThat(embeddings.subList(4, 8))
                    .allSatisfy(e -> assertThat(e.modelStep()).isEqualTo(1));
        }
    }

    @Test
    void shouldPublishACheckpointAtTheInterval() {
        try (LearnerDriver d = driver()) {
            d.sendPairs("s", 4, 0);
            assertThat(d.model.isEmpty()).isTrue();

            d.sendPairs("t", 4, 1);

            // One chunk (a tiny model), then the manifest under the model's name.
            TestRecord<String, byte[]> chunk = d.model.readRecord();
            TestRecord<String, byte[]> manifest = d.model.readRecord();
            assertThat(chunk.key()).isEqualTo("vicreg/chunk-0");
            assertThat(manifest.key()).isEqualTo("vicreg");
            CheckpointChunks.Assembler assembler = new CheckpointChunks.Assembler("vicreg");
            assembler.accept(chunk.key(), chunk.value(), chunk.headers());
            var checkpoint =
                    (CheckpointChunks.Assembler.Complete)
                            assembler.accept(manifest.key(), manifest.value(), manifest.headers());
            assertThat(checkpoint.checkpoint()).isEqualTo(chunk.value());
            assertThat(CheckpointInfo.of(checkpoint.checkpoint()).step()).isEqualTo(2);
            assertThat(CheckpointHeaders.step(manifest.headers())).isEqualTo(2);
            assertThat(CheckpointHeaders.modelSpec(manifest.headers())).isEqualTo("8-16-8");
            // Stamped when published (the driver's wall clock), not with the pairs' time (0 and 1).
            assertThat(manifest.timestamp())
                    .isEqualTo(LearnerDriver.WALL_CLOCK_START.toEpochMilli());
            assertThat(d.model.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldCheckpointUnsavedStepsOnceTheStreamIsIdle() {
        try (LearnerDriver d =
                driver(Map.of(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 100))) {
            d.sendPairs("s", 8, 0); // two steps, no interval checkpoint
            d.advanceWallClock(Duration.ofMillis(9_000));
            assertThat(d.model.isEmpty()).isTrue();

            d.advanceWallClock(
                    Duration.ofMillis(1_000)); // checkpoint.idle.ms (10 s) since the last pair

            assertThat(CheckpointInfo.of(d.readCheckpoint().checkpoint()).step()).isEqualTo(2);
            d.advanceWallClock(Duration.ofSeconds(30));
            assertThat(d.model.isEmpty()).isTrue(); // nothing unsaved: no second checkpoint
        }
    }

    @Test
    void shouldSendBadRecordsToDeadLettersWhileGoodOnesKeepFlowing() {
        try (LearnerDriver d = driver()) {
            d.send("first", 0, 0);
            d.sendRaw("bad1", "not json at all", 0);
            d.send("first", 1, 0);
            d.sendRaw("bad2", "{\"id\":\"bad2\",\"view\":3,\"features\":[1,2,3,4,5,6,7,8]}", 0);
            d.sendRaw("bad3", "{\"id\":\"bad3\",\"view\":0,\"features\":[1,2]}", 0);
            d.sendRaw(null, "{\"id\":\"x\",\"view\":0,\"features\":[1,2,3,4,5,6,7,8]}", 0);
            d.sendRaw("k", "{\"id\":\"other\",\"view\":0,\"features\":[1,2,3,4,5,6,7,8]}", 0);
            d.sendRaw("tomb", null, 0);
            d.sendPairs("g", 3, 0);

            List<DeadLetter> dead = d.deadLetters.readValuesToList();

            assertThat(dead)
                    .extracting(DeadLetter::reason)
                    .containsExactly(
                            "not_json",
                            "bad_view",
                            "wrong_feature_count",
                            "null_key",
                            "key_mismatch",
                            "null_value");
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
                    .isEqualTo("not json at all");
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("first", "g0", "g1", "g2");
        }
    }

    @Test
    void shouldSkipTheUpdateAndDeadLetterPairsWhenTheLossIsNotFinite() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 1))) {
            d.sendPairs("ok", 4, 0);
            byte[] before = d.readCheckpoint().checkpoint();
            String huge = "1.7e38";
            for (int i = 0; i < 4; i++) {
                for (int view = 0; view < 2; view++) {
                    String features = String.join(",", java.util.Collections.nCopies(8, huge));
                    d.sendRaw(
                            "h" + i,
                            "{\"id\":\"h"
                                    + i
                                    + "\",\"view\":"
                                    + view
                                    + ",\"features\":["
                                    + features
                                    + "]}",
                            1);
                }
            }

            List<MetricsEvent> metrics = d.metrics.readValuesToList();
            assertThat(metrics).extracting(MetricsEvent::applied).containsExactly(true, false);
            assertThat(metrics.get(1).step()).isEqualTo(1);
            assertThat(d.model.isEmpty()).isTrue(); // no update, no new checkpoint
            List<DeadLetter> dead = d.deadLetters.readValuesToList();
            assertThat(dead)
                    .hasSize(4)
                    .allSatisfy(l -> assertThat(l.reason()).isEqualTo("non_finite_embedding"));
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
                    .contains("\"view\":0")
                    .contains("\"view\":1");
            // Where each pair is on the trainer's journal: the pairs topic, after the 4 good ones.
            assertThat(dead)
                    .allSatisfy(l -> assertThat(l.topic()).isEqualTo(d.config.topics().pairs()))
                    .allSatisfy(l -> assertThat(l.partition()).isZero())
                    .extracting(DeadLetter::offset)
                    .containsExactly(4L, 5L, 6L, 7L);

            // The model is exactly the step-1 checkpoint: the next good batch trains from it, so
            // its embeddings are those of the same step taken from that checkpoint.
            d.sendPairs("next", 4, 2);
            List<EmbeddingEvent> next = d.embeddings.readValuesToList().subList(4, 8);
            assertThat(next).allSatisfy(e -> assertThat(e.modelStep()).isEqualTo(1));
            try (VicregTrainer fromBefore = VicregTrainer.restore(before, null, DeviceChoice.CPU)) {
                float[][] view0 = new float[4][];
                float[][] view1 = new float[4][];
                for (int i = 0; i < 4; i++) {
                    view0[i] = parsedFeatures("next" + i, 0);
                    view1[i] = parsedFeatures("next" + i, 1);
                }
                StepResult expected = fromBefore.step(view0, view1);
                for (int i = 0; i < 4; i++) {
                    assertThat(next.get(i).embedding())
                            .containsExactly(
                                    EmbeddingSource.MEAN.of(
                                            expected.representations1()[i],
                                            expected.representations2()[i]));
                }
            }
        }
    }

    @Test
    void shouldDeadLetterAPairEventWhoseRepresentationIsNotFiniteAtItsOffsetOnThePairEventsTopic() {
        try (LearnerDriver d =
                new LearnerDriver(
                        stateDir.resolve("pair-events"),
                        Map.of(LearnerConfig.TRAIN_SOURCE_CONFIG, "pair-events"))) {
            String bad = "{\"id\": \"bad\", \"features\": [[1, 2, 3, 4, 5, 6, 7, 8]]}";
            d.sendPairEventRaw("bad", bad, 10); // offset 0: rejected by validation
            for (int i = 0; i < 4; i++) {
                d.sendPairEvent("ok" + i, 10); // offsets 1-4
            }
            String huge = String.join(", ", java.util.Collections.nCopies(8, "1.7e38"));
            for (int i = 0; i < 4; i++) {
                d.sendPairEventRaw(
                        "h" + i,
                        "{\"id\": \"h" + i + "\", \"features\": [[" + huge + "], [" + huge + "]]}",
                        20); // offsets 5-8
            }

            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("ok0", "ok1", "ok2", "ok3");
            List<DeadLetter> dead = d.deadLetters.readValuesToList();
            assertThat(dead)
                    .extracting(DeadLetter::reason)
                    .containsExactly(
                            "wrong_shape",
                            "non_finite_embedding",
                            "non_finite_embedding",
                            "non_finite_embedding",
                            "non_finite_embedding");
            assertThat(dead)
                    .allSatisfy(l -> assertThat(l.topic()).isEqualTo("vicreg.pair-events"))
                    .allSatisfy(l -> assertThat(l.partition()).isZero())
                    .extracting(DeadLetter::offset)
                    .containsExactly(0L, 5L, 6L, 7L, 8L);
            assertThat(dead.subList(1, 5))
                    .extracting(l -> new String(l.key(), StandardCharsets.UTF_8))
                    .containsExactly("h0", "h1", "h2", "h3");
        }
    }

    @Test
    void shouldRollTheTrainerStateChangelogInSegmentsOfAFewCheckpointsSoThatCompactionKeepsUp() {
        Map<String, String> changelog = LearnerStores.trainerStateStore().logConfig();

        assertThat(changelog)
                .containsEntry("segment.bytes", String.valueOf(64 * 1024 * 1024))
                // Chunks fit the broker's default message size: nothing to raise.
                .doesNotContainKey("max.message.bytes");
    }

    @Test
    void shouldDeadLetterAViewStampedBeyondTheWindowAheadOfTheClockAndKeepPairingTheOthers() {
        long now = LearnerDriver.WALL_CLOCK_START.toEpochMilli();
        try (LearnerDriver d = driver(Map.of(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 1_000L))) {
            d.send("a", 0, now - 500);
            // One record an hour ahead once moved stream time past every waiting view.
            d.send("future", 0, now + 3_600_000);
            d.send("a", 1, now - 400);
            d.sendPairs("b", 3, now - 300);

            List<DeadLetter> dead = d.deadLetters.readValuesToList();

            assertThat(dead)
                    .singleElement()
                    .satisfies(
                            l -> {
                                assertThat(l.reason()).isEqualTo("bad_timestamp");
                                assertThat(l.detail())
                                        .isEqualTo(
                                                "the record timestamp "
                                                        + (now + 3_600_000)
                                                        + " is 3600000 ms ahead of this instance's clock, more than"
                                                        + " pairing.window.ms (1000): check the producer's clock");
                            });
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .contains("a");
        }
    }

    @Test
    void shouldPairAViewWhosePartnerWasUnreadBehindAStallOfTheStreamThread() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 1_000L))) {
            d.send("late", 0, 0);
            d.stall(Duration.ofSeconds(5)); // view 1 was sent at time 0, and waits unread

            d.send("late", 1, 0);

            assertThat(d.deadLetters.isEmpty()).isTrue();
            d.sendPairs("next", 1, 0);
            d.advanceWallClock(Duration.ofSeconds(1)); // the trainer's idle rule: both pairs
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactlyInAnyOrder("late", "next0");
        }
    }

    @Test
    void shouldDeadLetterTheOrphansOfAQuietStreamOnceAWindowOfWallClockTimePasses() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 1_000L))) {
            d.send("alone", 0, 0);

            d.advanceWallClock(Duration.ofMillis(900));
            assertThat(d.deadLetters.isEmpty()).isTrue();
            d.advanceWallClock(Duration.ofMillis(1_200));

            assertThat(d.deadLetters.readValuesToList())
                    .singleElement()
                    .satisfies(l -> assertThat(l.reason()).isEqualTo("orphan"));
        }
    }
}
