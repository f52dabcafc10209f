package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.ModelVersionEvent;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.InferenceModel;
import io.github.vicregstreams.vicreg.ModelWeights;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model versions through the whole topology: the trainer promotes checkpoints to versions, the
 * backfill embeds every item with each, a complete event says when, and inference serves the served
 * version, plus the one being backfilled.
 */
class ModelVersionsTopologyTest {

    @TempDir Path stateDir;

    private static LearnerDriver versioned(Path stateDir, Map<String, Object> more) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG, 2L);
        overrides.put(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1);
        overrides.putAll(more);
        return new LearnerDriver(stateDir, overrides);
    }

    @Test
    void shouldPromoteBackfillAndServeEachVersion() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            for (int i = 0; i < 4; i++) {
                d.sendSample("item-" + i, 1_000);
            }
            assertThat(d.embeddings.readValuesToList())
                    .as("before any version: the initial weights, no version")
                    .hasSize(4)
                    .allSatisfy(e -> assertThat(e.modelVersion()).isNull());

            d.sendPairs("p", 8, 2_000); // two steps: a checkpoint at step 2, version 1
            d.embeddings.readValuesToList(); // the training embeddings
            List<ModelVersionEvent> promoted = d.modelVersions.readValuesToList();
            assertThat(promoted)
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.type()).isEqualTo(ModelVersionEvent.Type.PROMOTED);
                                assertThat(e.version()).isEqualTo(1);
                                assertThat(e.step()).isEqualTo(2);
                            });

            d.advanceWallClock(Duration.ofMillis(50)); // the backfill's punctuator
            List<EmbeddingEvent> backfilled = d.embeddings.readValuesToList();
            assertThat(backfilled)
                    .as("every item once, with version 1")
                    .hasSize(4)
                    .allSatisfy(e -> assertThat(e.modelVersion()).isEqualTo(1L));
            assertThat(ids(backfilled)).containsExactlyInAnyOrder(ids("item-", 4));
            // One sample alone, against the backfill's batch of four: the sums differ in rounding.
            assertThat(backfilled.get(0).embedding())
                    .usingComparatorWithPrecision(1e-5f)
                    .containsExactly(offline(d, 1, backfilled.get(0).id()));
            assertThat(d.modelVersions.readValuesToList())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.type()).isEqualTo(ModelVersionEvent.Type.COMPLETE);
                                assertThat(e.version()).isEqualTo(1);
                                assertThat(e.items()).isEqualTo(4);
                                assertThat(e.checkpointId())
                                        .isEqualTo(promoted.get(0).checkpointId());
                            });

            d.sendSample("item-4", 3_000);
            d.advanceWallClock(Duration.ofMillis(50));
            assertThat(d.embeddings.readValuesToList())
                    .as("version 1 served: a new item is embedded once, with it")
                    .singleElement()
                    .satisfies(e -> assertThat(e.modelVersion()).isEqualTo(1L));

            d.sendPairs("q", 8, 4_000); // steps 3 and 4: version 2 at the checkpoint of step 4
            d.embeddings.readValuesToList();
            assertThat(d.modelVersions.readValuesToList())
                    .extracting(ModelVersionEvent::version, ModelVersionEvent::type)
                    .containsExactly(tuple(2L, ModelVersionEvent.Type.PROMOTED));

            d.sendSample("item-5", 5_000);
            assertThat(d.embeddings.readValuesToList())
                    .as("during the backfill: the served and the new version")
                    .extracting(EmbeddingEvent::modelVersion)
                    .containsExactly(1L, 2L);

            d.advanceWallClock(Duration.ofMillis(50));
            List<EmbeddingEvent> second = d.embeddings.readValuesToList();
            assertThat(second).allSatisfy(e -> assertThat(e.modelVersion()).isEqualTo(2L));
            assertThat(ids(second)).containsExactlyInAnyOrder(ids("item-", 6));
            assertThat(d.modelVersions.readValuesToList())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.type()).isEqualTo(ModelVersionEvent.Type.COMPLETE);
                                assertThat(e.version()).isEqualTo(2);
                                assertThat(e.items()).isEqualTo(6);
                            });
            KeyValueStore<String, byte[]> global =
                    d.driver.getKeyValueStore(LearnerTopology.LATEST_MODEL_STORE);
            assertThat(global.get(VersionedModelKeys.versionModel("vicreg", 1)))
                    .as("version 1 is retired")
                    .isNull();
            assertThat(global.get(VersionedModelKeys.versionModel("vicreg", 2))).isNotNull();

            d.sendSample("item-6", 6_000);
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::modelVersion)
                    .containsExactly(2L);
        }
    }

    @Test
    void shouldEmbedAnItemWrittenStraightToTheItemsTopicWithTheServedVersion() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.sendPairs("p", 8, 2_000);
            d.advanceWallClock(Duration.ofMillis(50));
            d.embeddings.readValuesToList();
            d.modelVersions.readValuesToList();

            pipeItem(d, "direct", LearnerDriver.features("direct", 0), 3_000);

            assertThat(d.embeddings.readValuesToList())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.id()).isEqualTo("direct");
                                assertThat(e.modelVersion()).isEqualTo(1L);
                            });
        }
    }

    @Test
    void shouldDeadLetterABadItemAndGoOn() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.items.pipeInput(
                    "bad".getBytes(StandardCharsets.UTF_8),
                    "{\"id\":\"bad\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8),
                    1_000);
            d.sendSample("item-0", 1_000);
            d.sendPairs("p", 8, 2_000);
            d.advanceWallClock(Duration.ofMillis(50));

            assertThat(d.deadLetters.readValuesToList())
                    .singleElement()
                    .satisfies(l -> assertThat(l.reason()).isEqualTo("wrong_feature_count"));
            assertThat(d.modelVersions.readValuesToList())
                    .extracting(ModelVersionEvent::type, ModelVersionEvent::items)
                    .contains(tuple(ModelVersionEvent.Type.COMPLETE, 1L));
        }
    }

    @Test
    void shouldDeadLetterAnItemTheVersionCannotEmbedAndLeaveItOutOfTheCount() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.sendSample("item-0", 1_000);
            float[] huge = new float[LearnerDriver.INPUT_DIM];
            Arrays.fill(huge, Float.MAX_VALUE); // finite, but overflows the encoder
            pipeItem(d, "huge", huge, 1_000);
            d.sendPairs("p", 8, 2_000); // version 1
            d.advanceWallClock(Duration.ofMillis(50)); // its backfill

            assertThat(d.deadLetters.readValuesToList())
                    .singleElement()
                    .satisfies(
                            l -> {
                                assertThat(l.reason()).isEqualTo("non_finite_embedding");
                                assertThat(l.detail())
                                        .isEqualTo(
                                                "model version 1 gave a non-finite representation"
                                                        + " for item huge; the item is taken out of"
                                                        + " the items store");
                            });
            assertThat(d.modelVersions.readValuesToList())
                    .filteredOn(e -> e.type() == ModelVersionEvent.Type.COMPLETE)
                    .extracting(ModelVersionEvent::items)
                    .as("only the item that has an embedding of version 1")
                    .containsExactly(1L);
            assertThat(
                            d.embeddings.readValuesToList().stream()
                                    .filter(e -> Long.valueOf(1).equals(e.modelVersion()))
                                    .map(EmbeddingEvent::id))
                    .containsExactly("item-0");
        }
    }

    @Test
    void shouldKeepASampleInferenceCannotEmbedOutOfTheItems() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.sendPairs("p", 8, 2_000); // version 1
            d.advanceWallClock(Duration.ofMillis(50)); // served
            d.sendSample("item-0", 3_000);
            float[] huge = new float[LearnerDriver.INPUT_DIM];
            Arrays.fill(huge, Float.MAX_VALUE);
            d.sendSampleRaw("huge", LearnerDriver.sampleJson("huge", huge, null), 3_000);
            d.sendPairs("q", 8, 4_000); // version 2
            d.advanceWallClock(Duration.ofMillis(50)); // its backfill

            assertThat(d.deadLetters.readValuesToList())
                    .as("inference's dead letter only: the sample is no item")
                    .singleElement()
                    .satisfies(l -> assertThat(l.reason()).isEqualTo("non_finite_embedding"));
            assertThat(d.modelVersions.readValuesToList())
                    .filteredOn(e -> e.type() == ModelVersionEvent.Type.COMPLETE)
                    .extracting(ModelVersionEvent::version, ModelVersionEvent::items)
                    .containsExactly(tuple(1L, 0L), tuple(2L, 1L));
        }
    }

    @Test
    void shouldRefuseBadVersionRecordsAndKeepWhatItServes() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.sendPairs("p", 8, 2_000);
            d.advanceWallClock(Duration.ofMillis(50));
            d.modelVersions.readValuesToList();

            d.modelInput.pipeInput(VersionedModelKeys.versionModel("vicreg", 2), new byte[] {1, 2});
            d.modelInput.pipeInput(
                    VersionedModelKeys.serving("vicreg"),
                    "two".getBytes(StandardCharsets.US_ASCII));
            d.modelInput.pipeInput(VersionedModelKeys.alignment("vicreg", 1), new byte[] {9});
            d.embeddings.readValuesToList();
            d.sendSample("item-0", 3_000);

            KeyValueStore<String, byte[]> global =
                    d.driver.getKeyValueStore(LearnerTopology.LATEST_MODEL_STORE);
            ModelVersions summary =
                    ModelVersions.decode(global.get(VersionedModelKeys.summary("vicreg")));
            assertThat(summary.latest()).isEqualTo(1);
            assertThat(summary.serving()).isEqualTo(1);
            assertThat(global.get(VersionedModelKeys.alignment("vicreg", 1))).isNull();
            assertThat(d.embeddings.readValuesToList())
                    .extracting(EmbeddingEvent::modelVersion)
                    .containsExactly(1L);
            assertThat(refusedRecords(d)).isEqualTo(3.0);
        }
    }

    /**
     * A whole version record without the step header, as a tool that drops headers copies it: a
     * valid checkpoint, stored with its own step. Read through the header, it stopped the global
     * thread, at every start (the global store is rebuilt from the model topic).
     */
    @Test
    void shouldStoreAVersionRecordWithoutAStepHeaderWithTheCheckpointsOwnStep() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.sendPairs("p", 8, 2_000); // version 1
            d.advanceWallClock(Duration.ofMillis(50));
            byte[] checkpoint = d.readCheckpoint().checkpoint();

            d.modelInput.pipeInput(VersionedModelKeys.versionModel("vicreg", 2), checkpoint);

            KeyValueStore<String, byte[]> global =
                    d.driver.getKeyValueStore(LearnerTopology.LATEST_MODEL_STORE);
            ModelVersions summary =
                    ModelVersions.decode(global.get(VersionedModelKeys.summary("vicreg")));
            assertThat(summary.latest()).isEqualTo(2);
            assertThat(summary.latestStep()).isEqualTo(CheckpointInfo.of(checkpoint).step());
            assertThat(global.get(VersionedModelKeys.versionModel("vicreg", 2)))
                    .isEqualTo(checkpoint);
            assertThat(refusedRecords(d)).isZero();
        }
    }

    @Test
    void shouldRefuseAnAlignmentOfAnotherWidthAndTombstonesOfVersionsInUse() {
        try (LearnerDriver d = versioned(stateDir, Map.of())) {
            d.sendPairs("p", 8, 2_000); // version 1
            d.advanceWallClock(Duration.ofMillis(50)); // served
            d.sendPairs("q", 8, 4_000); // version 2, its backfill not yet started
            d.embeddings.readValuesToList();
            d.modelVersions.readValuesToList();

            // A valid rotation, but of width 2: the representations are 16 wide.
            byte[] narrow =
                    OrthogonalProcrustes.fit(
                                    new float[][] {{1, 0}, {0, 1}}, new float[][] {{0, 1}, {1, 0}})
                            .toBytes();
            d.modelInput.pipeInput(VersionedModelKeys.alignment("vicreg", 1), narrow);
            d.modelInput.pipeInput(VersionedModelKeys.versionModel("vicreg", 1), (byte[]) null);
            d.modelInput.pipeInput(VersionedModelKeys.versionModel("vicreg", 2), (byte[]) null);
            d.modelInput.pipeInput(VersionedModelKeys.alignment("vicreg", 1), (byte[]) null);
            d.sendSample("item-0", 5_000);

            assertThat(d.embeddings.readValuesToList())
                    .as("inference goes on with both versions")
                    .extracting(EmbeddingEvent::modelVersion)
                    .containsExactly(1L, 2L);
            assertThat(refusedRecords(d)).isEqualTo(4.0);
            pipeItem(d, "direct", LearnerDriver.features("direct", 0), 5_000);
            assertThat(d.embeddings.readValuesToList())
                    .as("the backfill still embeds a new item with the served version")
                    .extracting(EmbeddingEvent::id, EmbeddingEvent::modelVersion)
                    .containsExactly(tuple("direct", 1L));
            d.advanceWallClock(Duration.ofMillis(50));
            assertThat(d.modelVersions.readValuesToList())
                    .as("the backfill of version 2 completes")
                    .extracting(ModelVersionEvent::version, ModelVersionEvent::type)
                    .containsExactly(tuple(2L, ModelVersionEvent.Type.COMPLETE));
        }
    }

    @Test
    void shouldServeEveryCheckpointAsBeforeWithVersionsOff() {
        try (LearnerDriver d = new LearnerDriver(stateDir, Map.of())) {
            d.sendPairs("p", 8, 2_000);
            d.advanceWallClock(Duration.ofMillis(50));
            d.embeddings.readValuesToList();
            d.sendSample("item-0", 3_000);
            d.advanceWallClock(Duration.ofMillis(50));

            assertThat(d.modelVersions.isEmpty()).isTrue();
            assertThat(d.embeddings.readValuesToList())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.modelVersion()).isNull();
                                assertThat(e.modelStep()).isEqualTo(2);
                            });
        }
    }

    /** The embedding of item {@code id} by version {@code version}'s checkpoint, offline. */
    private static float[] offline(LearnerDriver d, long version, String id) {
        KeyValueStore<String, byte[]> global =
                d.driver.getKeyValueStore(LearnerTopology.LATEST_MODEL_STORE);
        byte[] checkpoint = global.get(VersionedModelKeys.versionModel("vicreg", version));
        try (InferenceModel model =
                InferenceModel.create(
                        ModelWeights.fromCheckpoint(checkpoint, d.config.modelSpec()),
                        d.config.device())) {
            return model.embed(new float[][] {LearnerDriver.features(id, 0)})[0];
        }
    }

    /** Writes an item straight to the items topic, as a producer other than inference may. */
    private static void pipeItem(LearnerDriver d, String id, float[] features, long timestampMs) {
        d.items.pipeInput(
                id.getBytes(StandardCharsets.UTF_8),
                LearnerDriver.sampleJson(id, features, null).getBytes(StandardCharsets.UTF_8),
                timestampMs);
    }

    /** Model-topic records the global processor refused so far. */
    private static double refusedRecords(LearnerDriver d) {
        return d.driver.metrics().values().stream()
                .filter(m -> m.metricName().name().equals(StoreCheckpointProcessor.REFUSED_METRIC))
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
                .sum();
    }

    private static Set<String> ids(List<EmbeddingEvent> events) {
        return events.stream().map(EmbeddingEvent::id).collect(Collectors.toSet());
    }

    private static String[] ids(String prefix, int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids.toArray(String[]::new);
    }
}
