package io.github.vicregstreams.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upserts, versions, swaps, retirement and commits of {@link EmbeddingIndex}. */
class EmbeddingIndexTest {

    @TempDir Path dir;

    private static final float[] X = {1, 0, 0};
    private static final float[] Y = {0, 1, 0};
    private static final float[] XY = {1, 1, 0};

    @Test
    void shouldHoldOneVectorPerIdAndVersionWhenAnIdIsUpsertedTwice() {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            index.upsert(1, "a", X, null);
            index.upsert(1, "b", XY, null);
            index.upsert(1, "a", Y, "{\"label\":3}"); // replaces a's first vector
            index.upsert(2, "a", X, null); // another version: another document
            index.refreshAndSwap();

            assertThat(index.count(1)).isEqualTo(2);
            assertThat(index.ids(1)).containsExactlyInAnyOrder("a", "b");
            assertThat(index.count(2)).isEqualTo(1);
            List<Neighbour> nearest = index.search(1, new float[] {0, 5, 0}, 1);
            assertThat(nearest).singleElement().satisfies(n -> assertThat(n.id()).isEqualTo("a"));
            assertThat(nearest.get(0).score()).isCloseTo(1f, within(1e-6f));
            assertThat(nearest.get(0).metadata()).isEqualTo("{\"label\":3}");
        }
    }

    @Test
    void shouldScoreNeighboursByCosineAndExcludeTheItemItself() {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            index.upsert(1, "x", X, null);
            index.upsert(1, "y", Y, null);
            index.upsert(1, "xy", new float[] {3, 3, 0}, null); // length does not matter
            index.refreshAndSwap();

            List<Neighbour> ofX = index.neighboursOf(1, "x", 5);

            assertThat(ofX).extracting(Neighbour::id).containsExactly("xy", "y");
            assertThat(ofX.get(0).score()).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
            assertThat(ofX.get(1).score()).isCloseTo(0f, within(1e-6f));
        }
    }

    @Test
    void shouldServeAVersionOnlyWhenCompleteAndHoldingItsItems() {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            index.upsert(1, "a", X, null);
            assertThat(index.refreshAndSwap()).isNull(); // every id, but no complete event
            index.complete(1, 2);
            assertThat(index.refreshAndSwap()).isNull(); // complete, but 1 of 2 ids
            assertThat(index.servingVersion()).isEmpty();

            index.upsert(1, "b", Y, null);

            assertThat(index.refreshAndSwap()).isEqualTo(1L);
            assertThat(index.servingVersion()).hasValue(1);
        }
    }

    @Test
    void shouldDeleteRetiredVersionsAndRefuseTheirEmbeddingsWhenSwapping() {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            for (long version = 1; version <= 4; version++) {
                index.upsert(version, "a", X, null);
            }
            index.complete(1, 1);
            index.refreshAndSwap();
            index.complete(2, 1);
            index.refreshAndSwap();
            index.complete(3, 1);
            index.refreshAndSwap();

            assertThat(index.servingVersion()).hasValue(3);
            assertThat(index.count(1)).isZero(); // retired at the swap to 3
            assertThat(index.count(2)).isEqualTo(1); // the previous version, kept
            assertThat(index.count(4)).isEqualTo(1); // newer, in its backfill
            assertThat(index.accepts(1)).isFalse();
            assertThat(index.accepts(2)).isTrue();
            assertThat(index.versions().keySet()).containsExactly(2L, 3L, 4L);
            assertThat(index.versions().get(3L)).isEqualTo(new VersionStatus(3, 1, 1L, X.length));
            assertThat(index.versions().get(4L).complete()).isFalse();
        }
    }

    @Test
    void shouldRefuseVectorsItCannotIndex() {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            assertThat(index.upsert(1, "zero", new float[3], null))
                    .isEqualTo(SkipReason.ZERO_VECTOR);
            assertThat(index.upsert(1, "huge", new float[1025], null))
                    .isEqualTo(SkipReason.TOO_MANY_DIMENSIONS);
            assertThat(index.upsert(1, "a", X, null)).isNull();
            assertThat(index.upsert(1, "short", new float[] {1, 2}, null))
                    .isEqualTo(SkipReason.WRONG_DIMENSION);
            assertThat(index.upsert(2, "short", new float[] {1, 2}, null)).isNull();
            index.refreshAndSwap();

            assertThat(index.ids(1)).containsExactly("a");
            assertThat(index.dimension(2)).isEqualTo(2);
        }
    }

    @Test
    void shouldExplainBadSearches() {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            index.upsert(1, "a", X, null);
            index.refreshAndSwap();

            assertThatThrownBy(() -> index.search(1, X, 0))
                    .hasMessage("k must be between 1 and 1000. Got: 0");
            assertThatThrownBy(() -> index.search(1, X, 1001))
                    .hasMessage("k must be between 1 and 1000. Got: 1001");
            assertThatThrownBy(() -> index.search(1, new float[] {1, 2}, 1))
                    .hasMessage(
                            "The query must have the dimension of version 1's embeddings, 3."
                                    + " Got: 2");
            assertThatThrownBy(() -> index.search(1, new float[3], 1))
                    .hasMessageStartingWith("zero vector");
            assertThatThrownBy(() -> index.neighboursOf(1, "nobody", 1))
                    .hasMessage("Version 1 holds no item with id nobody");
            assertThat(index.search(7, X, 1)).isEmpty(); // a version it does not hold
        }
    }

    @Test
    void shouldReopenAtItsLastCommitWithItsOffsetsAndVersions() {
        Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("embeddings", 0), 42L);
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            index.upsert(1, "a", X, null);
            index.complete(1, 1);
            index.refreshAndSwap();
            index.commit(offsets);
            index.upsert(1, "b", Y, null); // not committed: lost at close
            index.upsert(2, "a", Y, null);
        }

        try (EmbeddingIndex reopened = EmbeddingIndex.open(dir)) {
            assertThat(reopened.committedOffsets()).isEqualTo(offsets);
            assertThat(reopened.servingVersion()).hasValue(1);
            assertThat(reopened.ids(1)).containsExactly("a");
            assertThat(reopened.count(2)).isZero();
            assertThat(reopened.versionsState().complete()).isEqualTo(Map.of(1L, 1L));
        }
    }

    @Test
    void shouldRefuseASecondIndexOnTheSameDirectory() {
        EmbeddingIndex first = EmbeddingIndex.open(dir);
        try {
            assertThatThrownBy(() -> EmbeddingIndex.open(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another index");
        } finally {
            first.close();
        }
    }

    @Test
    void shouldWakeAWaiterWhenItSwaps() throws InterruptedException {
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            assertThat(index.awaitServing(1, Duration.ofMillis(10))).isFalse();
            index.upsert(1, "a", X, null);
            index.complete(1, 1);
            index.refreshAndSwap();

            assertThat(index.awaitServing(1, Duration.ofSeconds(1))).isTrue();
        }
    }
}
