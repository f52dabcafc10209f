package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayBufferStoreTest {

    private KeyValueStore<String, byte[]> state;

    @BeforeEach
    void store() {
        state =
                TestStores.inMemory(
                        LearnerTopology.TRAINER_STATE_STORE, Serdes.String(), Serdes.ByteArray());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        state.init(context.getStateStoreContext(), state);
    }

    private static List<TrainingPair> pairs(int from, int n) {
        return IntStream.range(from, from + n)
                .mapToObj(
                        i ->
                                new TrainingPair(
                                        "p" + i, i, null, new float[] {i, 1}, new float[] {-i, 1}))
                .toList();
    }

    private static float[][] reps(int from, int n) {
        float[][] reps = new float[n][];
        for (int i = 0; i < n; i++) {
            reps[i] = new float[] {from + i, 1, 0.5f};
        }
        return reps;
    }

    private static ReplaySettings settings(int capacity, ReplayEviction eviction) {
        return new ReplaySettings(capacity, 1, eviction, 4);
    }

    private static List<String> ids(ReplayBuffer buffer) {
        return IntStream.range(0, buffer.size()).mapToObj(s -> buffer.pair(s).id()).toList();
    }

    private long slotsInStore() {
        try (var all =
                state.prefixScan(ReplayBufferStore.SLOT_PREFIX, Serdes.String().serializer())) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    @Test
    void shouldRestoreTheBufferSavedAtTheCheckpointStep() {
        ReplaySettings settings = settings(6, ReplayEviction.MIN_REDUNDANCY);
        ReplayBuffer saved = new ReplayBufferStore(state).load(settings, 0);
        saved.add(pairs(0, 9), reps(0, 9), new Random(1));
        new ReplayBufferStore(state).save(saved, 12);

        ReplayBuffer restored = new ReplayBufferStore(state).load(settings, 12);

        assertThat(ids(restored)).isEqualTo(ids(saved));
        assertThat(restored.seen()).isEqualTo(9);
        for (int slot = 0; slot < saved.size(); slot++) {
            assertThat(restored.representation(slot)).containsExactly(saved.representation(slot));
            assertThat(restored.pair(slot).view0()).containsExactly(saved.pair(slot).view0());
        }
        assertThat(restored.changed().isEmpty()).isTrue();
    }

    @Test
    void shouldWriteOnlyTheRefreshedRepresentationOfAReplayedPair() {
        ReplaySettings settings = settings(6, ReplayEviction.MIN_REDUNDANCY);
        ReplayBufferStore store = new ReplayBufferStore(state);
        ReplayBuffer buffer = store.load(settings, 0);
        buffer.add(pairs(0, 6), reps(0, 6), new Random(1));
        long first = store.save(buffer, 1);

        buffer.refresh(new int[] {4}, new float[][] {{7, 7, 7}});
        long second = store.save(buffer, 2);

        assertThat(second).isLessThan(first / 4);
        ReplayBuffer restored = new ReplayBufferStore(state).load(settings, 2);
        assertThat(restored.representation(4)).containsExactly(7, 7, 7);
        assertThat(restored.pair(4).id()).isEqualTo("p4");
    }

    @Test
    void shouldWriteOnlyTheSlotsChangedSinceTheLastSave() {
        ReplayBufferStore store = new ReplayBufferStore(state);
        ReplayBuffer buffer = store.load(settings(8, ReplayEviction.FIFO), 0);
        buffer.add(pairs(0, 8), reps(0, 8), new Random(1));
        long first = store.save(buffer, 1);

        buffer.add(pairs(8, 2), reps(8, 2), new Random(2));
        long second = store.save(buffer, 2);

        assertThat(second).isLessThan(first / 3);
        assertThat(ids(store.load(settings(8, ReplayEviction.FIFO), 2)))
                .containsExactly("p8", "p9", "p2", "p3", "p4", "p5", "p6", "p7");
    }

    @Test
    void shouldStartEmptyWhenTheStoredBufferIsOfAnotherStep() {
        ReplayBufferStore store = new ReplayBufferStore(state);
        ReplayBuffer buffer = store.load(settings(8, ReplayEviction.FIFO), 0);
        buffer.add(pairs(0, 5), reps(0, 5), new Random(1));
        store.save(buffer, 3);

        ReplayBufferStore later = new ReplayBufferStore(state);
        ReplayBuffer stale = later.load(settings(8, ReplayEviction.FIFO), 7);
        assertThat(stale.size()).isZero();
        stale.add(pairs(10, 2), reps(10, 2), new Random(2));
        later.save(stale, 8);

        // The stale slots past the new buffer's size are gone from the store.
        assertThat(slotsInStore()).isEqualTo(2);
        assertThat(ids(new ReplayBufferStore(state).load(settings(8, ReplayEviction.FIFO), 8)))
                .containsExactly("p10", "p11");
    }

    @Test
    void shouldDeleteTheStoredBufferWhenReplayIsOff() {
        ReplayBufferStore store = new ReplayBufferStore(state);
        ReplayBuffer buffer = store.load(settings(8, ReplayEviction.MIN_REDUNDANCY), 0);
        buffer.add(pairs(0, 5), reps(0, 5), new Random(1));
        store.save(buffer, 3);

        assertThat(new ReplayBufferStore(state).load(ReplaySettings.OFF, 3)).isNull();

        assertThat(slotsInStore()).isZero();
        assertThat(state.get(ReplayBufferStore.representationKey(0))).isNull();
        assertThat(state.get(ReplayBufferStore.SUMMARY_KEY)).isNull();
    }

    @Test
    void shouldKeepTheFirstPairsWhenTheCapacityShrinks() {
        ReplayBufferStore store = new ReplayBufferStore(state);
        ReplayBuffer buffer = store.load(settings(8, ReplayEviction.RESERVOIR), 0);
        buffer.add(pairs(0, 8), reps(0, 8), new Random(1));
        store.save(buffer, 3);

        ReplayBufferStore smaller = new ReplayBufferStore(state);
        ReplayBuffer shrunk = smaller.load(settings(3, ReplayEviction.RESERVOIR), 3);
        assertThat(ids(shrunk)).containsExactly("p0", "p1", "p2");
        smaller.save(shrunk, 4);

        assertThat(slotsInStore()).isEqualTo(3);
    }

    @Test
    void shouldStartEmptyWhenMinRedundancyFindsNoRepresentations() {
        ReplayBufferStore store = new ReplayBufferStore(state);
        ReplayBuffer buffer = store.load(settings(8, ReplayEviction.FIFO), 0);
        buffer.add(pairs(0, 5), reps(0, 5), new Random(1));
        store.save(buffer, 3);

        assertThat(
                        new ReplayBufferStore(state)
                                .load(settings(8, ReplayEviction.MIN_REDUNDANCY), 3)
                                .size())
                .isZero();
    }
}
