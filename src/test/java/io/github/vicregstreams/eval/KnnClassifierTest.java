package io.github.vicregstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.SyntheticDataset;
import org.junit.jupiter.api.Test;

class KnnClassifierTest {

    @Test
    void shouldVoteWithTheMostSimilarRowsByAngle() {
        // Given: class 0 points along x, class 1 along y; length does not matter to cosine
        float[][] train = {{1f, 0f}, {5f, 0.1f}, {0f, 1f}, {0.1f, 7f}};
        int[] labels = {0, 0, 1, 1};
        float[][] queries = {{100f, 1f}, {0.2f, 0.01f}, {1f, 30f}};

        int[] predicted = new KnnClassifier(2).predict(train, labels, queries);

        assertThat(predicted).containsExactly(0, 0, 1);
    }

    @Test
    void shouldRecoverClustersOfSyntheticData() {
        Dataset data = SyntheticDataset.builder().optRows(1_500).generate();
        Dataset train = data.slice(0, 1_200);
        Dataset test = data.slice(1_200, 1_500);

        double accuracy =
                new KnnClassifier(KnnClassifier.DEFAULT_K)
                        .accuracy(
                                train.featureMatrix(),
                                train.labels().orElseThrow(),
                                test.featureMatrix(),
                                test.labels().orElseThrow());

        assertThat(accuracy).isGreaterThan(0.9); // chance: 0.1
    }

    @Test
    void shouldUseAllRowsWhenKExceedsThem() {
        int[] predicted =
                new KnnClassifier(20)
                        .predict(
                                new float[][] {{1f}, {1f}, {-1f}},
                                new int[] {3, 3, 1},
                                new float[][] {{2f}});

        assertThat(predicted).containsExactly(3);
    }

    @Test
    void shouldRefuseKBelowOne() {
        assertThatThrownBy(() -> new KnnClassifier(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be at least 1. Got: 0");
    }
}
