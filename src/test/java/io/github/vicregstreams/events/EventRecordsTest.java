package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The records enforce the contract themselves, so a programmatic event is as valid as a parsed one.
 */
class EventRecordsTest {

    @Test
    void shouldRejectViewEventWhenIdIsTooLong() {
        assertThatThrownBy(() -> new ViewEvent("x".repeat(300), 0, new float[] {1}, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id must be at most 256 characters. Got: 300 characters");
    }

    @Test
    void shouldRejectViewEventWhenViewIsNotZeroOrOne() {
        assertThatThrownBy(() -> new ViewEvent("s", 2, new float[] {1}, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("view must be 0 or 1. Got: 2");
    }

    @Test
    void shouldRejectViewEventWhenAFeatureIsNaN() {
        assertThatThrownBy(() -> new ViewEvent("s", 0, new float[] {1, Float.NaN}, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("features[1] must be a finite float32. Got: NaN");
    }

    @Test
    void shouldRejectEmbeddingEventWhenAValueIsInfinite() {
        assertThatThrownBy(
                        () ->
                                new EmbeddingEvent(
                                        "s",
                                        new float[] {Float.POSITIVE_INFINITY},
                                        0,
                                        EmbeddingEvent.Source.TRAINING,
                                        0,
                                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embedding[0] must be a finite float32. Got: Infinity");
    }

    @Test
    void shouldRejectMetricsEventWhenBatchSizeIsZero() {
        assertThatThrownBy(() -> new MetricsEvent(0, 0, 0, 1, 1, 1, 1, 1, 1, 1, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be at least 1. Got: 0");
    }

    @Test
    void shouldCopyFeaturesWhenCreatedAndWhenRead() {
        float[] features = {1, 2};
        ViewEvent event = new ViewEvent("s", 0, features, null, null);

        features[0] = 9;
        event.features()[1] = 9;

        assertThat(event.features()).containsExactly(1, 2);
    }

    @Test
    void shouldCopyFeaturesIntoARowWhenAskedTo() {
        float[] batch = new float[6];

        new ViewEvent("s", 0, new float[] {1, 2, 3}, null, null).copyFeaturesTo(batch, 3);

        assertThat(batch).containsExactly(0, 0, 0, 1, 2, 3);
    }

    @Test
    void shouldCompareFeatureContentsWhenTestingEquality() {
        ViewEvent a = new ViewEvent("s", 0, new float[] {1, 2}, 5L, Metadata.of("{}"));
        ViewEvent b = new ViewEvent("s", 0, new float[] {1, 2}, 5L, Metadata.of("{}"));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(a.withTimestamp(6L));
    }

    @Test
    void shouldFallBackToTheRecordTimestampWhenTheEventHasNone() {
        ViewEvent event = new ViewEvent("s", 0, new float[] {1}, null, null);

        assertThat(event.timestampOr(42)).isEqualTo(42);
        assertThat(event.withTimestamp(7L).timestampOr(42)).isEqualTo(7);
    }

    @Test
    void shouldShowFeatureCountNotValuesWhenPrinted() {
        assertThat(new ViewEvent("s", 1, new float[784], null, null).toString())
                .isEqualTo(
                        "ViewEvent[id=s, view=1, features=float[784], timestamp=null, metadata=null]");
    }
}
