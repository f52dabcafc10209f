package io.github.vicregstreams.analysis;

import static io.github.vicregstreams.analysis.OrthogonalProcrustesTest.gaussian;
import static io.github.vicregstreams.analysis.OrthogonalProcrustesTest.randomOrthogonal;
import static io.github.vicregstreams.analysis.OrthogonalProcrustesTest.times;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourOverlapTest {

    @Test
    void shouldBeOneForIdenticalEmbeddings() {
        float[][] items = gaussian(new Random(1), 200, 16);

        assertThat(NeighbourOverlap.meanOverlap(items, items, 10)).isEqualTo(1.0);
        assertThat(NeighbourOverlap.crossVersionOverlap(items, items, 10)).isEqualTo(1.0);
    }

    @Test
    void shouldBeOneForARotatedOrRescaledCopyWithinItsOwnSpace() {
        // Cosine neighbours within one space do not change under a rotation or per-row scaling
        Random random = new Random(2);
        float[][] items = gaussian(random, 200, 16);
        float[][] rotated = times(items, randomOrthogonal(random, 16));
        float[][] scaled = new float[200][16];
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 16; j++) {
                scaled[i][j] = items[i][j] * (1 + i);
            }
        }

        assertThat(NeighbourOverlap.meanOverlap(items, rotated, 10)).isEqualTo(1.0);
        assertThat(NeighbourOverlap.meanOverlap(items, scaled, 10)).isEqualTo(1.0);
    }

    @Test
    void shouldBeAboutKOverNForUnrelatedEmbeddings() {
        // Given two independent random embeddings of 400 items: chance overlap k/(n-1) = 0.025
        Random random = new Random(3);
        float[][] a = gaussian(random, 400, 16);
        float[][] b = gaussian(random, 400, 16);

        assertThat(NeighbourOverlap.meanOverlap(a, b, 10)).isCloseTo(10 / 399.0, within(0.01));
        assertThat(NeighbourOverlap.crossVersionOverlap(a, b, 10))
                .isCloseTo(10 / 399.0, within(0.01));
    }

    @Test
    void shouldBeLowAcrossARotatedSpaceUnlessAligned() {
        // Given a new version that is the old space rotated
        Random random = new Random(4);
        float[][] old = gaussian(random, 300, 16);
        float[][] rotated = times(old, randomOrthogonal(random, 16));

        // Aligned on the first 100 items only
        OrthogonalProcrustes alignment =
                OrthogonalProcrustes.fit(Arrays.copyOf(rotated, 100), Arrays.copyOf(old, 100));
        float[][] aligned = alignment.apply(rotated);

        assertThat(NeighbourOverlap.crossVersionOverlap(old, rotated, 10)).isLessThan(0.15);
        assertThat(NeighbourOverlap.crossVersionOverlap(old, aligned, 10)).isEqualTo(1.0);
        // Within each space the neighbours never changed
        assertThat(NeighbourOverlap.meanOverlap(old, rotated, 10)).isEqualTo(1.0);
    }

    @Test
    void shouldAverageTheShareOfCommonNeighbours() {
        // Given 4 items at angles 0°, 10°, 90°, 100° (nearest: 1, 0, 3, 2)
        // and at 0°, 10°, 90°, 200° (nearest: 1, 0, 1, 2)
        float[][] a = angles(0, 10, 90, 100);
        float[][] b = angles(0, 10, 90, 200);

        // Then items 0, 1 and 3 keep their neighbour, item 2 does not
        assertThat(NeighbourOverlap.meanOverlap(a, b, 1)).isEqualTo(0.75);
        // and with k = 2: {1,2},{0,2},{3,1},{2,1} against {1,2},{0,2},{1,0},{2,0} -> 1, 1, ½, ½
        assertThat(NeighbourOverlap.meanOverlap(a, b, 2)).isEqualTo(0.75);
    }

    @Test
    void shouldCompareNewQueriesWithTheOldNeighboursOfTheSameItem() {
        // Given old items at 0°, 10°, 90°, 100° (nearest: 1, 0, 3, 2) and new queries at
        // 5°, 93°, 92°, 45°, whose nearest old items other than their own are 1, 2, 3, 1
        float[][] old = angles(0, 10, 90, 100);
        float[][] queries = angles(5, 93, 92, 45);

        // Then items 0 and 2 match, items 1 (2 against 0) and 3 (1 against 2) do not
        assertThat(NeighbourOverlap.crossVersionOverlap(old, queries, 1)).isEqualTo(0.5);
    }

    @Test
    void shouldBreakTiesTowardsTheSmallerIndex() {
        float[][] same = {{1f, 1f}, {1f, 1f}, {1f, 1f}, {1f, 1f}};

        int[][] among = NearestNeighbours.amongThemselves(same, 2);
        int[][] direct = NearestNeighbours.of(same, same, 2);

        assertThat(among).isDeepEqualTo(new int[][] {{1, 2}, {0, 2}, {0, 1}, {0, 1}});
        assertThat(direct).isDeepEqualTo(among);
    }

    @Test
    void shouldFindTheSameNeighboursWithTheSymmetricShortcut() {
        float[][] items = gaussian(new Random(5), 150, 8);
        float[][] unit = new float[150][];
        for (int i = 0; i < 150; i++) {
            double norm = Math.sqrt(CentredSpectrum.dot(toDouble(items[i]), toDouble(items[i])));
            unit[i] = new float[8];
            for (int j = 0; j < 8; j++) {
                unit[i][j] = (float) (items[i][j] / norm);
            }
        }

        assertThat(NearestNeighbours.amongThemselves(unit, 7))
                .isDeepEqualTo(NearestNeighbours.of(unit, unit, 7));
    }

    @Test
    void shouldTreatAZeroRowAsSimilarToNothing() {
        // Given item 3 is a zero row: it is no nearer any item than an orthogonal one
        float[][] a = {{1f, 0f}, {0.9f, 0.1f}, {0f, 1f}, {0f, 0f}};

        int[][] nearest = NearestNeighbours.amongThemselves(a, 2);

        // Item 2 (cosine 0.11 with item 1, 0 with items 0 and 3): 1, then 0 before 3 on the tie
        assertThat(nearest[2]).containsExactly(1, 0);
        assertThat(NeighbourOverlap.meanOverlap(a, a, 2)).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseBadInput() {
        float[][] three = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
        assertThatThrownBy(() -> NeighbourOverlap.meanOverlap(three, three, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "k must be at least 1 and below the number of items, 3 (an item is not its"
                                + " own neighbour). Got: 3");
        assertThatThrownBy(() -> NeighbourOverlap.crossVersionOverlap(three, three, 0))
                .hasMessage(
                        "k must be at least 1 and below the number of items, 3 (an item is not its"
                                + " own neighbour). Got: 0");
        assertThatThrownBy(() -> NeighbourOverlap.meanOverlap(three, Arrays.copyOf(three, 2), 1))
                .hasMessage(
                        "a and b must have one row per item, the same items. Got: 3 and 2 rows");
        assertThatThrownBy(
                        () ->
                                NeighbourOverlap.crossVersionOverlap(
                                        three, new float[][] {{1f}, {2f}, {3f}}, 1))
                .hasMessage(
                        "newQueriesOfSameItems must have the width of oldItems, 2, to be compared"
                                + " with them. Got: 1");
        assertThatThrownBy(
                        () ->
                                NeighbourOverlap.meanOverlap(
                                        three, new float[][] {{1f}, {2f}, {Float.NaN}}, 1))
                .hasMessage("b values must be finite. Got: NaN at (2, 0)");
        assertThatThrownBy(
                        () ->
                                NeighbourOverlap.crossVersionOverlap(
                                        new float[][] {{1f, 0f}, {0f}, {1f, 1f}}, three, 1))
                .hasMessage("oldItems rows must all have width 2. Got: 1 in row 1");
        assertThatThrownBy(() -> NeighbourOverlap.meanOverlap(new float[0][], three, 1))
                .hasMessage("a must have at least one row. Got: 0");
        assertThatThrownBy(() -> NeighbourOverlap.meanOverlap(three, null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("b must not be null");
    }

    private static float[][] angles(double... degrees) {
        float[][] rows = new float[degrees.length][];
        for (int i = 0; i < degrees.length; i++) {
            double radians = Math.toRadians(degrees[i]);
            rows[i] = new float[] {(float) Math.cos(radians), (float) Math.sin(radians)};
        }
        return rows;
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
