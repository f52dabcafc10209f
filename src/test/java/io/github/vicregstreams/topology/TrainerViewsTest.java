package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.GaussianNoise;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The views a training step takes of pairs and of raw samples. */
class TrainerViewsTest {

    private final TrainerViews views =
            new TrainerViews(
                    new TrainingSource(TrainingSource.Input.SAMPLES, new GaussianNoise(0.1), 42));

    private static TrainingPair sample(String id) {
        return TrainingPair.sample(id, 1, null, LearnerDriver.features(id, 0));
    }

    @Test
    void shouldDrawTheSameViewsOfASampleAtTheSameStepAndNewOnesAtTheNext() {
        float[][][] first = views.of(List.of(sample("a"), sample("b")), 7);
        float[][][] again = views.of(List.of(sample("a"), sample("b")), 7);
        float[][][] next = views.of(List.of(sample("a"), sample("b")), 8);

        assertThat(again[0]).isDeepEqualTo(first[0]);
        assertThat(again[1]).isDeepEqualTo(first[1]);
        assertThat(next[0][0]).isNotEqualTo(first[0][0]);
        assertThat(first[0][0]).isNotEqualTo(first[1][0]); // two different views
        assertThat(first[0][0]).isNotEqualTo(LearnerDriver.features("a", 0)); // augmented
        // Another sample in the same place gets other draws: they follow the id, not the row.
        float[][][] swapped = views.of(List.of(sample("b"), sample("a")), 7);
        assertThat(swapped[0][1]).isEqualTo(first[0][0]);
    }

    @Test
    void shouldTakeAPairsOwnViewsAsTheyAre() {
        float[] v0 = LearnerDriver.features("p", 0);
        float[] v1 = LearnerDriver.features("p", 1);
        float[][][] batch = views.of(List.of(new TrainingPair("p", 1, null, v0, v1)), 3);
        assertThat(batch[0][0]).isSameAs(v0);
        assertThat(batch[1][0]).isSameAs(v1);
    }

    @Test
    void shouldDrawOtherViewsForTheSameIdUnderAnotherSeed() {
        TrainerViews otherSeed =
                new TrainerViews(
                        new TrainingSource(
                                TrainingSource.Input.SAMPLES,
                                Augmentations.compose(new GaussianNoise(0.1)),
                                43));
        assertThat(otherSeed.of(List.of(sample("a")), 7)[0][0])
                .isNotEqualTo(views.of(List.of(sample("a")), 7)[0][0]);
    }

    @Test
    void shouldKeepARawSampleInHalfTheBytesOfAPairAndReadItBackAsASample() {
        TrainingPair sample = sample("a");
        TrainingPair pair =
                new TrainingPair(
                        "a",
                        1,
                        null,
                        LearnerDriver.features("a", 0),
                        LearnerDriver.features("a", 0));

        TrainingPair decoded = TrainingPair.decode(sample.encode());
        assertThat(decoded.isSample()).isTrue();
        assertThat(decoded.view0()).isEqualTo(sample.view0());
        assertThat(decoded.id()).isEqualTo("a");
        // Equal views are still two views.
        assertThat(TrainingPair.decode(pair.encode()).isSample()).isFalse();
        assertThat(sample.encode().length)
                .isEqualTo(pair.encode().length - 4 - 4 * LearnerDriver.INPUT_DIM);
    }

    @Test
    void shouldRefuseATruncatedSampleRecord() {
        byte[] bytes = sample("a").encode();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> TrainingPair.decode(truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Corrupt training pair record");
    }
}
