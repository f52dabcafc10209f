package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ForgedCheckpoints;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference on the samples topic with the latest checkpoint, through the whole topology. */
class InferenceTopologyTest {

    private static final ModelSpec SPEC = new ModelSpec(LearnerDriver.INPUT_DIM, 16, 8);
    private static final float TOLERANCE = 1e-6f;

    @TempDir Path stateDir;

    private VicregTrainer trainer;

    @AfterEach
    void closeTrainer() {
        if (trainer != null) {
            trainer.close();
        }
    }

    private LearnerDriver driver(Map<String, Object> overrides) {
        return new LearnerDriver(stateDir, overrides);
    }

    /** A trainer of the driver's configuration, trained {@code steps} steps. */
    private VicregTrainer trainedTrainer(LearnerDriver d, int steps) {
        VicregTrainer t =
                VicregTrainer.create(
                        TrainerConfig.defaults(SPEC).withSeed(d.config.trainerConfig().seed()),
                        DeviceChoice.CPU);
        for (int s = 0; s < steps; s++) {
            float[][] view0 = new float[4][];
            float[][] view1 = new float[4][];
            for (int i = 0; i < 4; i++) {
                view0[i] = LearnerDriver.features("t" + s + "-" + i, 0);
                view1[i] = LearnerDriver.features("t" + s + "-" + i, 1);
            }
            t.step(view0, view1);
        }
        return t;
    }

    private static void assertEmbeddedBy(EmbeddingEvent event, VicregTrainer expected) {
        float[] want = expected.embed(new float[][] {LearnerDriver.features(event.id(), 0)})[0];
        assertThat(event.source()).isEqualTo(EmbeddingEvent.Source.INFERENCE);
        assertThat(event.modelStep()).isEqualTo(expected.step());
        assertThat(event.embedding())
                .containsExactly(want, org.assertj.core.data.Offset.offset(TOLERANCE));
    }

    @Test
    void shouldEmbedASampleExactlyAsTheTrainerEmbedsItWithTheSameCheckpoint() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 3))) {
            trainer = trainedTrainer(d, 3);
            d.publishCheckpoint(trainer.checkpoint());

            d.sendSample("a", 100);
            d.sendSample("b", 101);
            d.sendSample("c", 102);

            List<TestRecord<String, EmbeddingEvent>> out = d.embeddings.readRecordsToList();
            assertThat(out).extracting(TestRecord::key).containsExactly("a", "b", "c");
            assertThat(out).extracting(TestRecord::timestamp).containsExactly(100L, 101L, 102L);
            out.forEach(r -> assertEmbeddedBy(r.value(), trainer));
            assertThat(out.get(0).value().modelStep()).isEqualTo(3);
            assertThat(d.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldEmbedWithTheInitialWeightsOfTheSeedBeforeAnyCheckpointExists() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            trainer = trainedTrainer(d, 0);

            d.sendSample("early", 5);

            EmbeddingEvent event = d.embeddings.readValue();
            assertEmbeddedBy(event, trainer); // step 0: the weights the trainer starts from
            assertThat(event.modelStep()).isZero();
            assertThat(d.embeddings.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldPickUpANewCheckpointWithoutARestart() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            trainer = trainedTrainer(d, 1);
            d.publishCheckpoint(trainer.checkpoint());
            d.sendSample("before", 10);
            EmbeddingEvent before = d.embeddings.readValue();
            assertEmbeddedBy(before, trainer);

            trainer.close();
            trainer = trainedTrainer(d, 4);
            d.publishCheckpoint(trainer.checkpoint());
            d.sendSample("after", 11);

            EmbeddingEvent after = d.embeddings.readValue();
            assertThat(before.modelStep()).isEqualTo(1);
            assertThat(after.modelStep()).isEqualTo(4);
            assertEmbeddedBy(after, trainer);
        }
    }

    @Test
    void shouldEmbedWithTheCheckpointTheTrainerPublishes() {
        // The driver checkpoints every 2 steps of 4 pairs; the model topic feeds the global store.
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            d.sendPairs("p", 8, 0);
            byte[] checkpoint = d.readCheckpoint().checkpoint();

            d.sendSample("x", 1);

            EmbeddingEvent event =
                    d.embeddings.readValuesToList().stream()
                            .filter(e -> e.source() == EmbeddingEvent.Source.INFERENCE)
                            .findFirst()
                            .orElseThrow();
            trainer = VicregTrainer.restore(checkpoint, null, DeviceChoice.AUTO);
            assertThat(event.modelStep()).isEqualTo(2);
            assertEmbeddedBy(event, trainer);
        }
    }

    @Test
    void shouldKeepTheModelWhenTheModelTopicCarriesACheckpointOfAnotherSpecOrGarbage() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            trainer = trainedTrainer(d, 2);
            d.publishCheckpoint(trainer.checkpoint());
            try (VicregTrainer other =
                    VicregTrainer.create(
                            TrainerConfig.defaults(new ModelSpec(LearnerDriver.INPUT_DIM, 32, 8)),
                            DeviceChoice.CPU)) {
                d.publishCheckpoint(other.checkpoint());
            }
            d.publishCheckpoint(new byte[] {1, 2, 3});

            d.sendSample("s", 1);

            assertEmbeddedBy(d.embeddings.readValue(), trainer);
        }
    }

    @Test
    void shouldRefuseAndCountAForgedCheckpointDeclaringHugeSizesAndKeepTheModel() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            trainer = trainedTrainer(d, 2);
            d.publishCheckpoint(trainer.checkpoint());
            // A valid checksum over a parameter count of 2^31 - 1: once an OutOfMemoryError that
            // killed
            // the global thread of every instance, at every start.
            d.publishCheckpoint(
                    ForgedCheckpoints.withParameterCount(trainer.checkpoint(), 0x7fffffff));

            d.sendSample("s", 1);

            assertEmbeddedBy(d.embeddings.readValue(), trainer);
            assertThat(refusedCheckpoints(d)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldSignWhatTheTrainerPublishesAndRefuseUnsignedCheckpointsWhenAKeyIsSet() {
        try (LearnerDriver d =
                driver(
                        Map.of(
                                LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                                1,
                                LearnerConfig.CHECKPOINT_SIGNING_KEY_CONFIG,
                                "shared secret"))) {
            d.sendPairs("p", 8, 0); // two steps: a checkpoint at step 2
            var published = d.readCheckpoint();
            trainer = trainedTrainer(d, 3);
            // An unsigned checkpoint of a valid model, as anyone who can write the topic could
            // send.
            d.publishCheckpoint(trainer.checkpoint());

            d.sendSample("s", 1);

            assertThat(
                            CheckpointSignature.withKey("shared secret")
                                    .refusal(published.checkpoint(), published.headers()))
                    .isNull();
            EmbeddingEvent embedded =
                    d.embeddings.readValuesToList().stream()
                            .filter(e -> e.source() == EmbeddingEvent.Source.INFERENCE)
                            .findFirst()
                            .orElseThrow();
            assertThat(embedded.modelStep()).isEqualTo(2);
            assertThat(refusedCheckpoints(d)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldRefuseARecordWhoseFingerprintMatchesTheModelInUseButWhoseBytesDoNot() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            trainer = trainedTrainer(d, 2);
            byte[] valid = trainer.checkpoint();
            d.publishCheckpoint(valid);
            // Same length, same stored checksum: the cache's cheap fingerprint cannot tell them
            // apart.
            byte[] tampered = valid.clone();
            tampered[200] ^= 0x40;
            d.publishCheckpoint(tampered);

            d.sendSample("s", 1);

            assertEmbeddedBy(d.embeddings.readValue(), trainer);
            assertThat(refusedCheckpoints(d)).isEqualTo(1.0);
        }
    }

    private static double refusedCheckpoints(LearnerDriver d) {
        return d.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(StoreCheckpointProcessor.REFUSED_METRIC))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    @Test
    void shouldDeadLetterBadSamplesWithTheirReasonAndEmbedTheGoodOnes() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            d.sendSampleRaw("bad-json", "{not json", 1);
            d.sendSampleRaw("short", LearnerDriver.sampleJson("short", new float[3], null), 2);
            d.sendSampleRaw("other-key", LearnerDriver.sampleJson("id", new float[8], null), 3);
            d.sendSampleRaw("nokey", null, 4);
            d.sendSample("good", 5);

            List<DeadLetter> dead = d.deadLetters.readValuesToList();

            assertThat(dead)
                    .extracting(DeadLetter::reason)
                    .containsExactly(
                            "not_json", "wrong_feature_count", "key_mismatch", "null_value");
            assertThat(dead).extracting(DeadLetter::topic).containsOnly("vicreg.samples");
            assertThat(dead).extracting(DeadLetter::offset).containsExactly(0L, 1L, 2L, 3L);
            assertThat(new String(dead.get(0).value(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("{not json");
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("good");
        }
    }

    @Test
    void shouldEmbedABinarySampleAsTheTrainerEmbedsItAndDeadLetterABrokenOne() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            trainer = trainedTrainer(d, 0);

            d.sendBinarySample("bin", 10, Metadata.of("{\"label\":3}"));
            byte[] cutShort = {0x00, 0x01, 0x00};
            d.samples.pipeInput(
                    "cut".getBytes(java.nio.charset.StandardCharsets.UTF_8), cutShort, 11);
            d.sendSample("json", 12);

            List<TestRecord<String, EmbeddingEvent>> out = d.embeddings.readRecordsToList();
            assertThat(out).extracting(TestRecord::key).containsExactly("bin", "json");
            out.forEach(r -> assertEmbeddedBy(r.value(), trainer));
            assertThat(out.get(0).value().metadata().json()).isEqualTo("{\"label\":3}");
            assertThat(out.get(0).timestamp()).isEqualTo(10);
            DeadLetter dead = d.deadLetters.readValue();
            assertThat(dead.reason()).isEqualTo("wrong_shape");
            assertThat(dead.detail()).startsWith("binary sample event: the value ends before");
            assertThat(dead.value()).isEqualTo(cutShort);
        }
    }

    @Test
    void shouldCarryTheSampleTimestampAndMetadataToTheEmbedding() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            String withTimestamp =
                    LearnerDriver.sampleJson("m", LearnerDriver.features("m", 0), "{\"label\":3}")
                            .replaceFirst("^\\{", "{\"timestamp\":42,");
            d.sendSampleRaw("m", withTimestamp, 7);
            d.sendSample("n", 8);

            List<TestRecord<String, EmbeddingEvent>> out = d.embeddings.readRecordsToList();

            assertThat(out.get(0).value().metadata().json()).isEqualTo("{\"label\":3}");
            assertThat(out.get(0).value().timestamp()).isEqualTo(42); // the producer's
            assertThat(out.get(0).timestamp()).isEqualTo(7); // the record's
            assertThat(out.get(1).value().metadata()).isNull();
            assertThat(out.get(1).value().timestamp()).isEqualTo(8); // none given: the record's
        }
    }

    @Test
    void shouldReleaseABatchWhenFullOrWhenTheLingerPasses() {
        Map<String, Object> settings =
                Map.of(
                        LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                        4,
                        LearnerConfig.INFERENCE_BATCH_LINGER_MS_CONFIG,
                        50L);
        try (LearnerDriver d = driver(settings)) {
            for (int i = 0; i < 6; i++) {
                d.sendSample("s" + i, i);
            }
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("s0", "s1", "s2", "s3"); // a full batch of 4

            d.advanceWallClock(Duration.ofMillis(49));
            assertThat(d.embeddings.isEmpty()).isTrue();
            d.advanceWallClock(Duration.ofMillis(1));

            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::id)
                    .containsExactly("s4", "s5");
        }
    }

    @Test
    void shouldKeepWhereTheWaitingBatchStartsInTheChangelogUntilItsEmbeddingsArePublished() {
        try (LearnerDriver d = driver(Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 3))) {
            TestOutputTopic<Long, byte[]> changelog =
                    d.driver.createOutputTopic(
                            "learner-test-" + LearnerTopology.INFERENCE_BUFFER_STORE + "-changelog",
                            new LongDeserializer(),
                            new ByteArrayDeserializer());

            d.sendSample("w0", 1);
            d.sendSample("w1", 2);

            // Where the batch starts, written in the transaction of its first offset: a crash now
            // cannot lose the samples, which the samples topic holds from there on. One record per
            // batch, not a copy of each sample.
            List<TestRecord<Long, byte[]>> waiting = changelog.readRecordsToList();
            assertThat(waiting).extracting(TestRecord::key).containsExactly(BatchStart.KEY);
            assertThat(BatchStart.decode(waiting.get(0).value()))
                    .isEqualTo(new BatchStart(d.config.topics().samples(), 0, 0, 1));
            assertThat(d.embeddings.isEmpty()).isTrue();

            d.sendSample("w2", 3);

            assertThat(d.embeddings.readValuesToList()).hasSize(3);
            List<TestRecord<Long, byte[]>> released = changelog.readRecordsToList();
            assertThat(released).extracting(TestRecord::key).containsExactly(BatchStart.KEY);
            assertThat(released.get(0).value()).isNull();
        }
    }
}
