package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.ModelVersionEvent;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trainer remembers its promotions in its own changelogged state: a trainer that moves to an
 * instance whose global store has not read the last promotion yet does not promote that number
 * again with another checkpoint.
 */
class TrainerVersionsTest {

    private static final byte[] CHECKPOINT = new byte[64];

    private TrainerSettings settings;
    private KeyValueStore<String, byte[]> state;
    private KeyValueStore<String, byte[]> global;

    @BeforeEach
    void stores() {
        LearnerConfig config =
                LearnerConfig.of(
                        Map.of(
                                LearnerConfig.MODEL_INPUT_DIM_CONFIG,
                                LearnerDriver.INPUT_DIM,
                                LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG,
                                2L,
                                LearnerConfig.DEVICE_CONFIG,
                                "cpu"));
        settings = TrainerSettings.from(config);
        state =
                TestStores.inMemory(
                        LearnerTopology.TRAINER_STATE_STORE, Serdes.String(), Serdes.ByteArray());
        global =
                TestStores.inMemory(
                        LearnerTopology.LATEST_MODEL_STORE, Serdes.String(), Serdes.ByteArray());
    }

    private TrainerVersions start(MockProcessorContext<Object, Object> context) {
        context.setCurrentSystemTimeMs(1_000);
        state.init(context.getStateStoreContext(), state);
        global.init(context.getStateStoreContext(), global);
        context.addStateStore(state);
        context.addStateStore(global);
        return new TrainerVersions(context, settings, LearnerTopology.TRAINER_NODES, state);
    }

    private static List<ModelVersionEvent> promoted(MockProcessorContext<Object, Object> context) {
        return context.forwarded(VersionTopology.VERSIONS_SINK).stream()
                .map(f -> (ModelVersionEvent) f.record().value())
                .toList();
    }

    @Test
    void shouldNotPromoteTheSameNumberAgainAfterAMoveBeforeTheGlobalStoreHasIt() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        start(first).promoteIfDue(CHECKPOINT, CheckpointHeaders.of(2, "8-512-256"));
        assertThat(promoted(first)).extracting(ModelVersionEvent::version).containsExactly(1L);

        // Moved: a new trainer on the restored state; this instance's global store is behind.
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainerVersions moved = start(second);
        moved.promoteIfDue(CHECKPOINT, CheckpointHeaders.of(4, "8-512-256"));
        assertThat(promoted(second))
                .as("version 1 is still being backfilled, as far as this trainer knows")
                .isEmpty();

        global.put(
                VersionedModelKeys.summary(settings.modelName()),
                ModelVersions.NONE.withLatest(1, 2, "id", 1_000).withServing(1).encode());
        moved.promoteIfDue(CHECKPOINT, CheckpointHeaders.of(6, "8-512-256"));
        assertThat(promoted(second)).extracting(ModelVersionEvent::version).containsExactly(2L);
    }
}
