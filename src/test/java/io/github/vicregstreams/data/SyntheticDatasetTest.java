package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    @Test
    void shouldGiveIdenticalDataWhenTheSeedIsTheSame() {
        Dataset a = SyntheticDataset.builder().optRows(50).optSeed(7).generate();
        Dataset b = SyntheticDataset.builder().optRows(50).optSeed(7).generate();

        for (int i = 0; i < 50; i++) {
            assertThat(a.features(i)).containsExactly(b.features(i));
            assertThat(a.label(i)).isEqualTo(b.label(i));
        }
        assertThat(a.name()).isEqualTo("synthetic-10c-64d-seed7");
    }

    @Test
    void shouldGiveDifferentDataWhenTheSeedDiffers() {
        Dataset a = SyntheticDataset.builder().optRows(50).optSeed(7).generate();
        Dataset b = SyntheticDataset.builder().optRows(50).optSeed(8).generate();

        assertThat(a.features(0)).isNotEqualTo(b.features(0));
    }

    @Test
    void shouldHaveTheRequestedShapeAndBalancedLabels() {
        // Given 103 rows in 5 classes: 20 or 21 per class
        Dataset dataset =
                SyntheticDataset.builder().optRows(103).optClasses(5).optFeatureDim(12).generate();

        assertThat(dataset.rows()).isEqualTo(103);
        assertThat(dataset.featureDim()).isEqualTo(12);
        assertThat(dataset.distinctLabels()).isEqualTo(5);
        int[] counts = new int[5];
        for (int label : dataset.labels().orElseThrow()) {
            counts[label]++;
        }
        assertThat(counts).containsExactlyInAnyOrder(21, 21, 21, 20, 20);
    }

    @Test
    void shouldHaveClassesThatANearestCentroidRuleSeparates() {
        Dataset dataset = SyntheticDataset.builder().optRows(1_000).generate();
        int classes = dataset.distinctLabels();
        int dim = dataset.featureDim();

        // Centroids from the first half, accuracy on the second half.
        double[][] centroids = new double[classes][dim];
        int[] counts = new int[classes];
        for (int i = 0; i < 500; i++) {
            float[] x = dataset.features(i);
            counts[dataset.label(i)]++;
            for (int d = 0; d < dim; d++) {
                centroids[dataset.label(i)][d] += x[d];
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < dim; d++) {
                centroids[c][d] /= counts[c];
            }
        }
        int correct = 0;
        for (int i = 500; i < 1_000; i++) {
            float[] x = dataset.features(i);
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int c = 0; c < classes; c++) {
                double distance = 0;
                for (int d = 0; d < dim; d++) {
                    distance += (x[d] - centroids[c][d]) * (x[d] - centroids[c][d]);
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            correct += best == dataset.label(i) ? 1 : 0;
        }

        assertThat(correct / 500.0).isGreaterThan(0.9);
    }

    @Test
    void shouldMixTheClassesInTheRowOrder() {
        Dataset dataset = SyntheticDataset.builder().optRows(100).optClasses(4).generate();

        int[] labels = dataset.labels().orElseThrow();
        int[] cyclic = new int[100];
        Arrays.setAll(cyclic, i -> i % 4);
        assertThat(labels).isNotEqualTo(cyclic);
    }

    @Test
    void shouldRejectSettingsOutOfRange() {
        assertThatThrownBy(() -> SyntheticDataset.builder().optClasses(0).generate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("classes must be at least 1. Got: 0");
        assertThatThrownBy(() -> SyntheticDataset.builder().optNoise(-1f).generate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise must be a finite number of at least 0. Got: -1.0");
    }
}
