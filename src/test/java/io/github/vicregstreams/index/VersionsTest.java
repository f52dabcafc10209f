package io.github.vicregstreams.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The swap and retirement rules of {@link Versions}. */
class VersionsTest {

    @Test
    void shouldNotBeReadyWhenCompleteButHoldingFewerIdsThanItsItems() {
        Versions versions = Versions.none().withComplete(1, 100);

        assertThat(versions.ready(v -> 99)).isNull(); // the last embeddings are still on the way
        assertThat(versions.ready(v -> 100)).isEqualTo(1L);
    }

    @Test
    void shouldNotBeReadyWhenHoldingEveryIdButNotComplete() {
        assertThat(Versions.none().ready(v -> 1_000)).isNull();
    }

    @Test
    void shouldSwapToTheNewestReadyVersionWhenSeveralAre() {
        Versions versions = Versions.none().withComplete(1, 10).withComplete(2, 10);

        assertThat(versions.ready(v -> 10)).isEqualTo(2L);
        // Version 2 short of one id: version 1 is the newest ready one.
        assertThat(versions.ready(v -> v == 2 ? 9 : 10)).isEqualTo(1L);
    }

    @Test
    void shouldKeepServingPreviousAndNewerVersionsAndRetireTheRestWhenSwapping() {
        // serving 2 (previous 1); 3 complete but never served; 4 and 5 in their backfill
        Versions versions =
                Versions.none()
                        .withComplete(1, 5)
                        .servingNow(1)
                        .withComplete(2, 5)
                        .servingNow(2)
                        .withComplete(3, 5)
                        .withComplete(4, 5);

        Versions swapped = versions.servingNow(4);

        assertThat(swapped.serving()).isEqualTo(4L);
        assertThat(swapped.previous()).isEqualTo(2L);
        assertThat(swapped.retiredAmong(Set.of(1L, 2L, 3L, 4L, 5L))).containsExactly(1L, 3L);
        assertThat(swapped.complete()).isEqualTo(Map.of(2L, 5L, 4L, 5L));
        assertThat(swapped.retired(5)).isFalse();
    }

    @Test
    void shouldIgnoreACompleteEventOfTheServedOrAnOlderVersion() {
        Versions serving = Versions.none().withComplete(2, 5).servingNow(2);

        assertThat(serving.withComplete(2, 7)).isSameAs(serving);
        assertThat(serving.withComplete(1, 7)).isSameAs(serving);
        assertThat(serving.ready(v -> 100)).isNull();
    }

    @Test
    void shouldRetireNothingBeforeAnyVersionIsServed() {
        assertThat(Versions.none().retired(1)).isFalse();
    }

    @Test
    void shouldRefuseASwapToAnOlderVersion() {
        Versions serving = Versions.none().servingNow(3);

        assertThatThrownBy(() -> serving.servingNow(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A swap goes to a newer version than 3. Got: 2");
    }
}
