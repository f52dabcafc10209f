package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.ModelVersionEvent;
import io.github.vicregstreams.vicreg.InferenceModel;
import io.github.vicregstreams.vicreg.ModelWeights;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill that stops part-way — a crash, a move to another instance — resumes after the last
 * item whose embedding was committed with its state: no item is embedded twice or skipped, and the
 * complete event counts every item. And with alignment, the new version's embeddings are rotated
 * onto the served version's space.
 */
class BackfillProcessorRestartTest {

    private static final int ITEMS = 600;

    private LearnerConfig config;
    private ModelWeightsCache weights;
    private KeyValueStore<String, PendingSample> items;
    private KeyValueStore<String, byte[]> state;
    private KeyValueStore<String, byte[]> latestModel;
    private BackfillProcessor running;

    @BeforeEach
    void stores() {
        config = config(Map.of());
        weights = new ModelWeightsCache(config.trainerConfig(), config.device());
        items =
                TestStores.inMemory(
                        VersionTopology.ITEMS_STORE, Serdes.String(), PendingSample.serde());
        state =
                TestStores.inMemory(
                        VersionTopology.BACKFILL_STATE_STORE, Serdes.String(), Serdes.ByteArray());
        latestModel =
                TestStores.inMemory(
                        LearnerTopology.LATEST_MODEL_STORE, Serdes.String(), Serdes.ByteArray());
    }

    private static LearnerConfig config(Map<String, Object> more) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM);
        settings.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16);
        settings.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8);
        settings.put(LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG, 1L);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        settings.putAll(more);
        return LearnerConfig.of(settings);
    }

    @AfterEach
    void close() {
        if (running != null) {
            running.close();
        }
    }

    private BackfillProcessor start(MockProcessorContext<Object, Object> context) {
        context.setCurrentSystemTimeMs(1_000);
        items.init(context.getStateStoreContext(), items);
        state.init(context.getStateStoreContext(), state);
        latestModel.init(context.getStateStoreContext(), latestModel);
        context.addStateStore(items);
        context.addStateStore(state);
        context.addStateStore(latestModel);
        BackfillProcessor processor =
                new BackfillProcessor(
                        FeatureEventParser.samples(LearnerDriver.INPUT_DIM),
                        InferenceSettings.from(config),
                        weights,
                        VersionTopology.BACKFILL_NODES,
                        Duration.ZERO); // one batch per punctuation
        processor.init(context);
        return processor;
    }

    /** Stores a model of {@code seed} as version {@code version}, as the global thread does. */
    private byte[] promote(long version, long seed) {
        TrainerConfig configured = config.trainerConfig();
        TrainerConfig seeded =
                new TrainerConfig(
                        configured.spec(), configured.lossWeights(), configured.optimizer(), seed);
        try (VicregTrainer trainer = VicregTrainer.create(seeded, config.device())) {
            byte[] checkpoint = trainer.checkpoint();
            latestModel.put(VersionedModelKeys.versionModel("vicreg", version), checkpoint);
            ModelVersions before =
                    ModelVersions.decode(latestModel.get(VersionedModelKeys.summary("vicreg")));
            latestModel.put(
                    VersionedModelKeys.summary("vicreg"),
                    before.withLatest(version, version * 10, "id-" + version, 0).encode());
            return checkpoint;
        }
    }

    private static void sendItems(BackfillProcessor processor, MockProcessorContext<?, ?> context) {
        sendItems(processor, context, ITEMS);
    }

    private static void sendItems(
            BackfillProcessor processor, MockProcessorContext<?, ?> context, int count) {
        for (int i = 0; i < count; i++) {
            String id = "item-" + i;
            context.setRecordMetadata("vicreg.items", 0, i);
            String json = LearnerDriver.sampleJson(id, LearnerDriver.features(id, 0), null);
            processor.process(
                    new Record<>(
                            id.getBytes(StandardCharsets.UTF_8),
                            json.getBytes(StandardCharsets.UTF_8),
                            i));
        }
    }

    private static void punctuate(MockProcessorContext<Object, Object> context) {
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
    }

    private static List<EmbeddingEvent> embeddings(MockProcessorContext<Object, Object> context) {
        return context.forwarded(VersionTopology.BACKFILL_EMBEDDINGS_SINK).stream()
                .map(f -> (EmbeddingEvent) f.record().value())
                .toList();
    }

    private static List<ModelVersionEvent> versionEvents(
            MockProcessorContext<Object, Object> context) {
        return context.forwarded(VersionTopology.BACKFILL_VERSIONS_SINK).stream()
                .map(f -> (ModelVersionEvent) f.record().value())
                .toList();
    }

    @Test
    void shouldCompleteInThePunctuationThatEmbedsTheLastShortBatchEvenWithNoBudgetLeft() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context); // a budget of zero: out of time after every batch
        sendItems(running, context, 3);
        promote(1, 42);

        punctuate(context);

        assertThat(embeddings(context)).hasSize(3);
        assertThat(versionEvents(context))
                .singleElement()
                .satisfies(e -> assertThat(e.items()).isEqualTo(3));
    }

    /**
     * The served version gone from the global store (the model topic created again, its checkpoints
     * refused by a signing key set since, another cluster's state): embedding with it failed, at
     * every start. It is forgotten, and the next version is backfilled to every item.
     */
    @Test
    void shouldForgetAServedVersionTheGlobalStoreNoLongerHoldsAndBackfillTheNextOne() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        BackfillProcessor before = start(first);
        sendItems(before, first, 3);
        promote(1, 42);
        punctuate(first);
        assertThat(versionEvents(first)).singleElement(); // version 1 complete, served
        before.close();
        // Rebuilt from a model topic without it; the summary still names it.
        latestModel.delete(VersionedModelKeys.versionModel("vicreg", 1));

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        sendItems(running, second, 4); // three again, and item-3
        punctuate(second);
        assertThat(embeddings(second)).isEmpty();
        assertThat(BackfillState.decode(state.get(BackfillState.KEY)).done()).isZero();

        promote(2, 7);
        punctuate(second);

        assertThat(embeddings(second))
                .extracting(EmbeddingEvent::modelVersion)
                .containsExactly(2L, 2L, 2L, 2L);
        assertThat(versionEvents(second))
                .singleElement()
                .satisfies(e -> assertThat(e.items()).isEqualTo(4));
    }

    @Test
    void shouldResumeAfterTheLastCommittedItemWhenTheTaskStopsPartWay() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        BackfillProcessor crashed = start(first);
        sendItems(crashed, first);
        promote(1, 42);
        punctuate(first); // starts, and embeds one batch
        assertThat(embeddings(first)).hasSize(BackfillProcessor.BATCH);
        // No close: the stores hold what the last committed transaction wrote.

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        for (int i = 0; i < 5 && versionEvents(second).isEmpty(); i++) {
            punctuate(second);
        }

        List<EmbeddingEvent> all = new ArrayList<>(embeddings(first));
        all.addAll(embeddings(second));
        Map<String, Long> perId =
                all.stream()
                        .collect(Collectors.groupingBy(EmbeddingEvent::id, Collectors.counting()));
        assertThat(perId).hasSize(ITEMS);
        assertThat(perId.values()).containsOnly(1L);
        assertThat(all).allSatisfy(e -> assertThat(e.modelVersion()).isEqualTo(1L));
        assertThat(versionEvents(second))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.type()).isEqualTo(ModelVersionEvent.Type.COMPLETE);
                            assertThat(e.items()).isEqualTo(ITEMS);
                            assertThat(e.step()).isEqualTo(10);
                            assertThat(e.checkpointId()).isEqualTo("id-1");
                        });
        assertThat(servedVersion(second)).isEqualTo("1");
    }

    @Test
    void shouldRotateANewVersionOntoTheServedVersionsSpaceWithAlignment() {
        config = config(Map.of(LearnerConfig.MODEL_VERSION_ALIGN_CONFIG, "procrustes"));
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        sendItems(running, context);
        byte[] first = promote(1, 42);
        for (int i = 0; i < 5 && versionEvents(context).isEmpty(); i++) {
            punctuate(context);
        }
        latestModel.put(VersionedModelKeys.summary("vicreg"), summary().withServing(1).encode());
        byte[] second = promote(2, 7);
        context.resetForwards();

        for (int i = 0; i < 5 && versionEvents(context).isEmpty(); i++) {
            punctuate(context);
        }

        OrthogonalProcrustes rotation =
                OrthogonalProcrustes.fromBytes(publishedAlignment(context, 2));
        Function<String, float[]> raw2 = embedder(second);
        Function<String, float[]> raw1 = embedder(first);
        EmbeddingEvent e = embeddings(context).get(0);
        assertThat(e.modelVersion()).isEqualTo(2L);
        assertThat(e.embedding())
                .usingComparatorWithPrecision(1e-4f)
                .containsExactly(rotation.apply(raw2.apply(e.id())));
        // The rotation brings version 2 nearer version 1 than it was.
        double before = 0;
        double after = 0;
        for (int i = 0; i < 50; i++) {
            String id = "item-" + i;
            before += distance(raw2.apply(id), raw1.apply(id));
            after += distance(rotation.apply(raw2.apply(id)), raw1.apply(id));
        }
        assertThat(after).isLessThan(before);
        assertThat(
                        context.forwarded(VersionTopology.BACKFILL_MODEL_SINK).stream()
                                .filter(f -> f.record().value() == null)
                                .map(f -> (String) f.record().key()))
                .as("version 1 retired once version 2 is complete")
                .contains(VersionedModelKeys.versionModel("vicreg", 1));
    }

    @Test
    void shouldPublishALargeAlignmentInChunksThatFitAKafkaRecord() {
        // d = 448: the rotation takes 4 d^2 + 9 = 802,825 bytes, more than one chunk.
        config =
                config(
                        Map.of(
                                LearnerConfig.MODEL_VERSION_ALIGN_CONFIG,
                                "procrustes",
                                LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG,
                                448));
        weights = new ModelWeightsCache(config.trainerConfig(), config.device());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        sendItems(running, context);
        promote(1, 42);
        for (int i = 0; i < 5 && versionEvents(context).isEmpty(); i++) {
            punctuate(context);
        }
        latestModel.put(VersionedModelKeys.summary("vicreg"), summary().withServing(1).encode());
        promote(2, 7);
        context.resetForwards();

        punctuate(context);

        List<MockProcessorContext.CapturedForward<?, ?>> parts =
                context.forwarded(VersionTopology.BACKFILL_MODEL_SINK).stream()
                        .filter(
                                f ->
                                        CheckpointChunks.belongsTo(
                                                VersionedModelKeys.alignment("vicreg", 2),
                                                (String) f.record().key()))
                        .toList();
        assertThat(parts).hasSize(3); // two chunks and the manifest
        assertThat(parts)
                .allSatisfy(
                        f ->
                                assertThat(((byte[]) f.record().value()).length)
                                        .isLessThanOrEqualTo(CheckpointChunks.CHUNK_BYTES));
        assertThat(OrthogonalProcrustes.fromBytes(publishedAlignment(context, 2)).dimension())
                .isEqualTo(448);
    }

    /** The alignment of a version, assembled from the chunks the backfill published. */
    private static byte[] publishedAlignment(
            MockProcessorContext<Object, Object> context, long version) {
        String name = VersionedModelKeys.alignment("vicreg", version);
        CheckpointChunks.Assembler assembler = new CheckpointChunks.Assembler(name);
        for (MockProcessorContext.CapturedForward<?, ?> f :
                context.forwarded(VersionTopology.BACKFILL_MODEL_SINK)) {
            String key = (String) f.record().key();
            if (f.record().value() != null && CheckpointChunks.belongsTo(name, key)) {
                if (assembler.accept(key, (byte[]) f.record().value(), f.record().headers())
                        instanceof CheckpointChunks.Assembler.Complete complete) {
                    return complete.checkpoint();
                }
            }
        }
        throw new AssertionError("no whole alignment of version " + version + " was published");
    }

    private ModelVersions summary() {
        return ModelVersions.decode(latestModel.get(VersionedModelKeys.summary("vicreg")));
    }

    private Function<String, float[]> embedder(byte[] checkpoint) {
        ModelWeights w = ModelWeights.fromCheckpoint(checkpoint, config.modelSpec());
        return id -> {
            try (InferenceModel model = InferenceModel.create(w, config.device())) {
                return model.embed(new float[][] {LearnerDriver.features(id, 0)})[0];
            }
        };
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    private static String servedVersion(MockProcessorContext<Object, Object> context) {
        return context.forwarded(VersionTopology.BACKFILL_MODEL_SINK).stream()
                .filter(f -> VersionedModelKeys.serving("vicreg").equals(f.record().key()))
                .map(f -> new String((byte[]) f.record().value(), StandardCharsets.US_ASCII))
                .reduce((a, b) -> b)
                .orElseThrow();
    }
}
