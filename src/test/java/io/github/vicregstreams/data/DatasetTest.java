package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatasetTest {

    @Test
    void shouldCopyRowsInAndOut() {
        float[][] rows = {{1f, 2f}, {3f, 4f}};
        Dataset dataset = Dataset.of("d", rows, new int[] {0, 1}, null);

        rows[0][0] = 99f;
        dataset.features(1)[0] = 99f;

        assertThat(dataset.features(0)).containsExactly(1f, 2f);
        assertThat(dataset.features(1)).containsExactly(3f, 4f);
    }

    @Test
    void shouldStreamClassByClassKeepingEachClassInOrderWhenSortedByLabel() {
        float[][] rows = {{0f}, {1f}, {2f}, {3f}, {4f}, {5f}};
        Dataset data = Dataset.of("d", rows, new int[] {2, 0, 1, 0, 2, 1}, null);

        Dataset sorted = data.sortedByLabel();

        assertThat(sorted.name()).isEqualTo("d-by-label");
        assertThat(sorted.labels())
                .hasValueSatisfying(l -> assertThat(l).containsExactly(0, 0, 1, 1, 2, 2));
        float[] firstFeatures = new float[sorted.rows()];
        for (int i = 0; i < sorted.rows(); i++) {
            firstFeatures[i] = sorted.features(i)[0];
        }
        assertThat(firstFeatures).containsExactly(1f, 3f, 2f, 5f, 0f, 4f);
    }

    @Test
    void shouldRefuseToSortByLabelWhenThereAreNoLabels() {
        Dataset data = Dataset.of("plain", new float[][] {{0f}, {1f}}, null, null);

        assertThatThrownBy(data::sortedByLabel)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Sorting by label needs labelled data: plain has no labels");
    }

    @Test
    void shouldRejectRaggedRows() {
        assertThatThrownBy(() -> Dataset.of("d", new float[][] {{1f, 2f}, {3f}}, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Dataset d rows must all have 2 features (as row 0). Row 1 has: 1");
    }

    @Test
    void shouldRejectLabelsThatDoNotMatchTheRows() {
        assertThatThrownBy(() -> Dataset.of("d", new float[][] {{1f}, {2f}}, new int[] {0}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Dataset d must have one label per row: 2 rows. Got labels: 1");
    }

    @Test
    void shouldRejectAnImageShapeThatDoesNotMatchTheRowLength() {
        assertThatThrownBy(
                        () ->
                                Dataset.of(
                                        "d",
                                        new float[][] {{1f, 2f, 3f}},
                                        null,
                                        new ImageShape(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Dataset d image shape 2x2 needs 4 features per row. Got: 3");
    }

    @Test
    void shouldRefuseLabelsWhenThereAreNone() {
        Dataset dataset = Dataset.of("d", new float[][] {{1f}}, null, null);

        assertThat(dataset.hasLabels()).isFalse();
        assertThat(dataset.labels()).isEmpty();
        assertThatThrownBy(() -> dataset.label(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Dataset d has no labels");
    }

    @Test
    void shouldKeepTheFirstRowsWhenTakingAHead() {
        Dataset dataset =
                Dataset.of("d", new float[][] {{1f}, {2f}, {3f}}, new int[] {5, 6, 7}, null);

        Dataset head = dataset.head(2);

        assertThat(head.rows()).isEqualTo(2);
        assertThat(head.features(1)).containsExactly(2f);
        assertThat(head.label(1)).isEqualTo(6);
        assertThat(dataset.head(10)).isSameAs(dataset);
    }
}
