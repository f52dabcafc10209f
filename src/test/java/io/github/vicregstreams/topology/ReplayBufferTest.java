package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplayBufferTest {

    private static TrainingPair pair(int i) {
        return new TrainingPair("p" + i, i, null, new float[] {i}, new float[] {-i});
    }

    /** Pairs {@code from} to {@code from + n - 1}. */
    private static List<TrainingPair> pairs(int from, int n) {
        return IntStream.range(from, from + n).mapToObj(ReplayBufferTest::pair).toList();
    }

    /** A distinct representation per pair: a direction in 4 dimensions, from its number. */
    private static float[][] reps(int from, int n) {
        float[][] reps = new float[n][];
        for (int i = 0; i < n; i++) {
            Random r = new Random(from + i);
            reps[i] = new float[] {r.nextFloat(), r.nextFloat(), r.nextFloat(), r.nextFloat()};
        }
        return reps;
    }

    private static Set<String> ids(ReplayBuffer buffer) {
        Set<String> ids = new HashSet<>();
        for (int slot = 0; slot < buffer.size(); slot++) {
            ids.add(buffer.pair(slot).id());
        }
        return ids;
    }

    @ParameterizedTest
    @EnumSource(ReplayEviction.class)
    void shouldNeverHoldMoreThanItsCapacity(ReplayEviction eviction) {
        ReplayBuffer buffer = new ReplayBuffer(6, eviction);
        for (int batch = 0; batch < 10; batch++) {
            buffer.add(pairs(batch * 4, 4), reps(batch * 4, 4), new Random(batch));
            assertThat(buffer.size()).isEqualTo(Math.min(6, (batch + 1) * 4));
        }
        assertThat(buffer.seen()).isEqualTo(40);
        assertThat(ids(buffer)).hasSize(6); // no pair twice
    }

    @Test
    void shouldKeepTheLatestPairsWithFifo() {
        ReplayBuffer buffer = new ReplayBuffer(5, ReplayEviction.FIFO);
        for (int batch = 0; batch < 5; batch++) {
            buffer.add(pairs(batch * 3, 3), reps(batch * 3, 3), new Random(batch));
        }
        assertThat(ids(buffer)).containsExactlyInAnyOrder("p10", "p11", "p12", "p13", "p14");
    }

    /**
     * Reservoir keeps each pair seen with the same chance, capacity / seen: over many seeds, the
     * first batch stays as often as the last (FIFO would keep only the last).
     */
    @Test
    void shouldKeepAUniformSampleWithReservoir() {
        int firstKept = 0;
        int lastKept = 0;
        int runs = 400;
        for (int run = 0; run < runs; run++) {
            ReplayBuffer buffer = new ReplayBuffer(10, ReplayEviction.RESERVOIR);
            for (int batch = 0; batch < 10; batch++) {
                buffer.add(pairs(batch * 10, 10), reps(0, 10), new Random(run * 1000L + batch));
            }
            Set<String> kept = ids(buffer);
            firstKept += (int) IntStream.range(0, 10).filter(i -> kept.contains("p" + i)).count();
            lastKept += (int) IntStream.range(90, 100).filter(i -> kept.contains("p" + i)).count();
        }
        // Expected 10 pairs × 10/100 × 400 runs = 400 for each; binomial sd ≈ 19.
        assertThat(firstKept).isBetween(300, 500);
        assertThat(lastKept).isBetween(300, 500);
    }

    @Test
    void shouldEvictOneOfTwoNearDuplicatesWithMinRedundancy() {
        ReplayBuffer buffer = new ReplayBuffer(4, ReplayEviction.MIN_REDUNDANCY);
        float[][] old = {
            {1, 0, 0, 0}, {0.99f, 0.01f, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0},
        };
        buffer.add(pairs(0, 4), old, new Random(1));

        buffer.add(pairs(4, 1), new float[][] {{0, 0, 0, 1}}, new Random(2));

        Set<String> kept = ids(buffer);
        assertThat(kept).contains("p4", "p2", "p3").hasSize(4);
        assertThat(kept.contains("p0")).isNotEqualTo(kept.contains("p1"));
    }

    @Test
    void shouldKeepOneOfThreeNearDuplicatesOldOrNew() {
        ReplayBuffer buffer = new ReplayBuffer(3, ReplayEviction.MIN_REDUNDANCY);
        buffer.add(pairs(0, 3), new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, new Random(1));

        // Two new pairs, both close to p0: of p0, p3 and p4 two must go.
        buffer.add(pairs(3, 2), new float[][] {{0.9f, 0.1f, 0}, {0.95f, 0, 0.05f}}, new Random(2));

        Set<String> kept = ids(buffer);
        assertThat(kept).contains("p1", "p2").hasSize(3);
        assertThat(kept.stream().filter(id -> List.of("p0", "p3", "p4").contains(id))).hasSize(1);
    }

    @Test
    void shouldRefreshTheRepresentationsOfReplayedPairs() {
        ReplayBuffer buffer = new ReplayBuffer(4, ReplayEviction.MIN_REDUNDANCY);
        buffer.add(pairs(0, 4), reps(0, 4), new Random(1));
        buffer.markSaved();
        ReplayBuffer.Draw draw = buffer.draw(2, new Random(3));
        float[][] fresh = {{9, 9, 9, 9}, {Float.NaN, 0, 0, 0}};

        buffer.refresh(draw.slots(), fresh);

        assertThat(buffer.representation(draw.slots()[0])).containsExactly(9, 9, 9, 9);
        // A non-finite row keeps the old representation.
        assertThat(buffer.representation(draw.slots()[1])).doesNotContain(Float.NaN);
        // The pair stays: only its representation is to be saved again.
        assertThat(buffer.refreshed().stream().boxed().toList()).containsExactly(draw.slots()[0]);
        assertThat(buffer.changed().isEmpty()).isTrue();
    }

    @Test
    void shouldDrawDistinctPairsAndTheSameOnesFromTheSameGenerator() {
        ReplayBuffer buffer = new ReplayBuffer(50, ReplayEviction.FIFO);
        buffer.add(pairs(0, 30), reps(0, 30), new Random(1));

        ReplayBuffer.Draw draw = buffer.draw(8, new Random(5));
        ReplayBuffer.Draw again = buffer.draw(8, new Random(5));
        ReplayBuffer.Draw other = buffer.draw(8, new Random(6));

        assertThat(draw.pairs()).hasSize(8);
        assertThat(new HashSet<>(draw.pairs())).hasSize(8);
        assertThat(again.slots()).containsExactly(draw.slots());
        assertThat(other.slots()).isNotEqualTo(draw.slots());
        for (int i = 0; i < 8; i++) {
            assertThat(draw.pairs().get(i)).isSameAs(buffer.pair(draw.slots()[i]));
        }
        // A buffer holding fewer pairs than a batch gives them all.
        assertThat(buffer.draw(100, new Random(7)).pairs()).hasSize(30);
    }

    @Test
    void shouldTrackTheSlotsChangedSinceTheLastSave() {
        ReplayBuffer buffer = new ReplayBuffer(4, ReplayEviction.FIFO);
        buffer.add(pairs(0, 4), reps(0, 4), new Random(1));
        assertThat(buffer.changed().cardinality()).isEqualTo(4);
        buffer.markSaved();

        buffer.add(pairs(4, 1), reps(4, 1), new Random(2));

        assertThat(buffer.changed().stream().boxed().toList()).containsExactly(0);
    }

    @Test
    void shouldRefuseAnEmptyCapacity() {
        assertThatThrownBy(() -> new ReplayBuffer(0, ReplayEviction.FIFO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }
}
