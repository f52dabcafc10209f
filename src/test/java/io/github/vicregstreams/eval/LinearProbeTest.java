package io.github.vicregstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.SyntheticDataset;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

    @Test
    void shouldSeparateLinearlySeparableClasses() {
        // Given: two classes on either side of the plane x0 + x1 = 0, with an offset feature
        float[][] x = new float[400][];
        int[] y = new int[400];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            float a = (float) rng.nextDouble(-1, 1);
            float b = (float) rng.nextDouble(-1, 1);
            x[i] = new float[] {a, b, 5f};
            y[i] = a + b > 0 ? 1 : 0;
        }
        // When
        LinearProbe.Fitted probe =
                LinearProbe.builder().optEpochs(300).optLearningRate(0.01f).build().fit(x, y);
        // Then
        assertThat(probe.accuracy(x, y)).isGreaterThan(0.97);
    }

    @Test
    void shouldClassifyClustersOfSyntheticDataWellAboveChance() {
        Dataset data = SyntheticDataset.builder().optRows(1_200).optNonlinear(false).generate();
        Dataset train = data.slice(0, 1_000);
        Dataset test = data.slice(1_000, 1_200);

        double accuracy =
                LinearProbe.builder()
                        .optEpochs(30)
                        .build()
                        .fit(train.featureMatrix(), train.labels().orElseThrow())
                        .accuracy(test.featureMatrix(), test.labels().orElseThrow());

        assertThat(accuracy).isGreaterThan(0.9); // chance: 0.1
    }

    @Test
    void shouldGiveTheSameProbeForTheSameSeed() {
        Dataset data = SyntheticDataset.builder().optRows(300).generate();
        float[][] x = data.featureMatrix();
        int[] y = data.labels().orElseThrow();
        LinearProbe probe = LinearProbe.builder().optEpochs(3).optBatchSize(32).optSeed(7).build();

        int[] first = probe.fit(x, y).predict(x);
        int[] second = probe.fit(x, y).predict(x);

        assertThat(second).containsExactly(first);
    }

    @Test
    void shouldRefuseRowsOfAnotherWidthThanTheTrainingRows() {
        LinearProbe.Fitted probe =
                LinearProbe.builder()
                        .optEpochs(1)
                        .build()
                        .fit(new float[][] {{0f, 1f}, {1f, 0f}}, new int[] {0, 1});

        assertThatThrownBy(() -> probe.predict(new float[][] {{1f, 2f, 3f}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows must have 2 features, as the training rows. Got: 3");
    }
}
