package io.github.vicregstreams.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EffectiveRankTest {

    @Test
    void shouldBeTheDimensionWhenVarianceIsSpreadEvenly() {
        // Given ±e_i for each of 6 axes: six equal singular values
        int d = 6;
        float[][] rows = new float[2 * d][d];
        for (int i = 0; i < d; i++) {
            rows[2 * i][i] = 1f;
            rows[2 * i + 1][i] = -1f;
        }

        assertThat(EffectiveRank.of(rows)).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void shouldBeOneWhenAllEmbeddingsLieOnALine() {
        float[][] rows = new float[50][];
        for (int i = 0; i < rows.length; i++) {
            float t = i * 0.1f - 2f;
            rows[i] = new float[] {t, 2 * t, -t, 0.5f * t, 3f}; // one direction, plus a constant
        }

        assertThat(EffectiveRank.of(rows)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void shouldBeZeroWhenAllEmbeddingsCoincide() {
        float[][] rows = {{1f, 2f, 3f}, {1f, 2f, 3f}, {1f, 2f, 3f}};

        assertThat(EffectiveRank.of(rows)).isZero();
    }

    @Test
    void shouldBeNanForFewerThanTwoEmbeddings() {
        assertThat(EffectiveRank.of(new float[][] {{1f, 2f}})).isNaN();
        assertThat(EffectiveRank.of(new float[0][])).isNaN();
    }

    @Test
    void shouldFollowTheEntropyOfTheNormalizedSingularValues() {
        // p = (1/2, 1/4, 1/4): H = 1.5 ln 2, erank = 2^1.5
        assertThat(EffectiveRank.ofSingularValues(new double[] {2, 1, 1}))
                .isCloseTo(Math.pow(2, 1.5), within(1e-12));
        assertThat(EffectiveRank.ofSingularValues(new double[] {3, 0, 0}))
                .isCloseTo(1.0, within(1e-12));
        assertThat(EffectiveRank.ofSingularValues(new double[] {0, 0})).isZero();
    }

    @Test
    void shouldGiveTheSameRankWhetherItUsesTheCovarianceOrTheGramMatrix() {
        // Given 20 random rows of dimension 5 (covariance path, n > d)
        Random random = new Random(7);
        float[][] narrow = new float[20][5];
        // and the same rows padded with 40 zero columns (Gram path, n < d)
        float[][] wide = new float[20][45];
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 5; j++) {
                narrow[i][j] = (float) random.nextGaussian() * (j + 1);
                wide[i][j] = narrow[i][j];
            }
        }

        assertThat(EffectiveRank.of(wide)).isCloseTo(EffectiveRank.of(narrow), within(1e-9));
    }

    @Test
    void shouldRejectNonFiniteValuesAndRaggedRows() {
        assertThatThrownBy(() -> EffectiveRank.of(new float[][] {{1f, Float.NaN}, {0f, 0f}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row values must be finite. Got: NaN at (0, 1)");
        assertThatThrownBy(() -> EffectiveRank.of(new float[][] {{1f, 2f}, {0f}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows must all have length 2. Got: 1 in row 1");
        assertThatThrownBy(() -> EffectiveRank.ofSingularValues(new double[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("singular values must be finite and non-negative. Got: -1.0");
    }

    @Test
    void shouldUseMostDimensionsWhenATrainingBatchOfDefaultSizeIsWhiteNoise() {
        // Given a batch of 256 embeddings of the default hidden size 512
        Random random = new Random(1);
        float[][] rows = new float[256][512];
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        double rank = EffectiveRank.of(rows);

        // Then white noise uses most of the 255 available dimensions (a test asserts behaviour,
        // not speed: it failed on a loaded machine when it also timed the call)
        assertThat(rank).isBetween(150.0, 255.0);
    }
}
