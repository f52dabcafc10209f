package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VicregLossTest {

    private static final double RELATIVE_TOLERANCE = 1e-5;

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = Djl.engine().newBaseManager(Device.cpu());
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /**
     * Columns of different scales, so that the variance hinge is active for some and not others.
     */
    private static float[][] projections(long seed, int n, int d) {
        Random random = new Random(seed);
        float[][] m = new float[n][d];
        for (int j = 0; j < d; j++) {
            double scale = 0.3 + 1.4 * random.nextDouble();
            double offset = random.nextGaussian();
            for (int i = 0; i < n; i++) {
                m[i][j] = (float) (offset + scale * random.nextGaussian());
            }
        }
        return m;
    }

    private NDArray array(float[][] m) {
        return manager.create(m);
    }

    private static void assertRelativelyClose(double actual, double expected) {
        assertThat(actual)
                .isCloseTo(expected, within(RELATIVE_TOLERANCE * Math.abs(expected) + 1e-9));
    }

    @ParameterizedTest(name = "n={0}, d={1}")
    @CsvSource({"2,3", "2,16", "3,64", "8,4", "64,16", "300,8", "33,33"})
    void shouldMatchDoublePrecisionReferenceForEveryTermAndTheTotal(int n, int d) {
        float[][] z = projections(n * 1000L + d, n, d);
        float[][] zp = projections(n * 1000L + d + 1, n, d);
        double[][] zd = ReferenceVicreg.toDouble(z);
        double[][] zpd = ReferenceVicreg.toDouble(zp);

        LossTerms terms = Vicreg.lossTerms(z, zp, LossWeights.defaults());

        assertRelativelyClose(terms.invariance(), ReferenceVicreg.invariance(zd, zpd));
        assertRelativelyClose(terms.varianceZ(), ReferenceVicreg.variance(zd, 1, true));
        assertRelativelyClose(terms.varianceZPrime(), ReferenceVicreg.variance(zpd, 1, true));
        assertRelativelyClose(terms.covarianceZ(), ReferenceVicreg.covariance(zd));
        assertRelativelyClose(terms.covarianceZPrime(), ReferenceVicreg.covariance(zpd));
        assertRelativelyClose(terms.total(), ReferenceVicreg.total(zd, zpd, 25, 25, 1, 1));
    }

    @ParameterizedTest(name = "n={0}, d={1}")
    @CsvSource({"2,5", "16,8", "100,3"})
    void shouldMatchReferenceWithNdArrayFunctions(int n, int d) {
        float[][] z = projections(n + 17L * d, n, d);
        float[][] zp = projections(n + 17L * d + 5, n, d);
        double[][] zd = ReferenceVicreg.toDouble(z);
        double[][] zpd = ReferenceVicreg.toDouble(zp);

        assertRelativelyClose(
                Vicreg.invarianceLoss(array(z), array(zp)).getFloat(),
                ReferenceVicreg.invariance(zd, zpd));
        assertRelativelyClose(
                Vicreg.varianceLoss(array(z), 1f).getFloat(),
                ReferenceVicreg.variance(zd, 1, true));
        assertRelativelyClose(
                Vicreg.covarianceLoss(array(z)).getFloat(), ReferenceVicreg.covariance(zd));
        assertRelativelyClose(
                Vicreg.vicregLoss(array(z), array(zp), LossWeights.defaults()).getFloat(),
                ReferenceVicreg.total(zd, zpd, 25, 25, 1, 1));
    }

    @Test
    void shouldUsePopulationVarianceWhenAskedFor() {
        float[][] z = projections(3, 6, 5);
        double[][] zd = ReferenceVicreg.toDouble(z);

        float population =
                Vicreg.varianceLoss(array(z), 1f, VarianceEstimator.POPULATION).getFloat();

        assertRelativelyClose(population, ReferenceVicreg.variance(zd, 1, false));
        assertThat((double) population).isGreaterThan(ReferenceVicreg.variance(zd, 1, true));
    }

    @Test
    void shouldApplyCustomWeightsAndVarianceTarget() {
        float[][] z = projections(11, 12, 6);
        float[][] zp = projections(12, 12, 6);
        double[][] zd = ReferenceVicreg.toDouble(z);
        double[][] zpd = ReferenceVicreg.toDouble(zp);
        LossWeights weights = LossWeights.defaults().withWeights(2f, 3f, 4f).withVarianceTarget(2f);

        LossTerms terms = Vicreg.lossTerms(z, zp, weights);

        assertRelativelyClose(terms.total(), ReferenceVicreg.total(zd, zpd, 2, 3, 4, 2));
    }

    @Test
    void shouldGiveZeroInvarianceForIdenticalViews() {
        float[][] z = projections(5, 10, 7);

        LossTerms terms = Vicreg.lossTerms(z, TestData.copy(z), LossWeights.defaults());

        assertThat(terms.invariance()).isZero();
        assertThat(terms.varianceZ()).isEqualTo(terms.varianceZPrime());
    }

    @Test
    void shouldGiveGammaMinusSqrtEpsilonForAConstantBatch() {
        float[][] constant = new float[8][5];
        for (float[] row : constant) {
            java.util.Arrays.fill(row, 3.25f);
        }

        float variance = Vicreg.varianceLoss(array(constant), 1f).getFloat();
        float covariance = Vicreg.covarianceLoss(array(constant)).getFloat();

        // Every std is sqrt(0 + ε) = 0.01, so every hinge is γ − 0.01.
        assertThat((double) variance).isCloseTo(1 - Math.sqrt(1e-4), within(1e-7));
        assertThat(covariance).isZero();
    }

    @Test
    void shouldGiveNearZeroCovarianceForDecorrelatedColumns() {
        // Rows of ±1 in a Hadamard pattern: centred columns are exactly orthogonal.
        int n = 8;
        int d = 4;
        float[][] z = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = Integer.bitCount(i & (j + 1)) % 2 == 0 ? 1f : -1f;
            }
        }

        assertThat(Vicreg.covarianceLoss(array(z)).getFloat()).isCloseTo(0f, within(1e-10f));
        assertThat(Vicreg.covarianceLoss(array(projections(9, 2000, 4))).getFloat())
                .isLessThan(0.01f);
    }

    @Test
    void shouldNormaliseCovarianceByTheBatchsOwnRowCount() {
        float[][] z = projections(21, 3, 4);

        float covariance = Vicreg.covarianceLoss(array(z)).getFloat();

        // With n = 3 the divisor is 2, not a configured batch size.
        assertRelativelyClose(covariance, ReferenceVicreg.covariance(ReferenceVicreg.toDouble(z)));
    }

    @Test
    void shouldReportPerDimensionStdInTheBreakdown() {
        float[][] z = projections(31, 20, 6);
        float[][] zp = projections(32, 20, 6);

        try (LossBreakdown breakdown =
                Vicreg.lossBreakdown(array(z), array(zp), LossWeights.defaults())) {
            double[] expected = ReferenceVicreg.std(ReferenceVicreg.toDouble(z), true);
            float[] actual = breakdown.stdZ().toFloatArray();
            assertThat(actual).hasSize(6);
            for (int j = 0; j < 6; j++) {
                assertRelativelyClose(actual[j], expected[j]);
            }
        }
    }

    @Test
    void shouldLeaveOnlyTheResultOnTheCallersManager() {
        NDArray z = array(projections(1, 10, 4));
        NDArray zp = array(projections(2, 10, 4));
        int before = manager.getManagedArrays().size();

        Vicreg.vicregLoss(z, zp, LossWeights.defaults());

        assertThat(manager.getManagedArrays()).hasSize(before + 1);
    }

    @Test
    void shouldRejectFewerThanTwoRows() {
        float[][] one = projections(1, 1, 4);

        assertThatThrownBy(() -> Vicreg.lossTerms(one, one, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z must have at least 2 rows. Got: 1");
        assertThatThrownBy(() -> Vicreg.covarianceLoss(array(one)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z must have at least 2 rows. Got: 1 (shape (1, 4))");
    }

    @Test
    void shouldRejectMismatchedShapes() {
        assertThatThrownBy(
                        () ->
                                Vicreg.lossTerms(
                                        projections(1, 4, 3),
                                        projections(2, 5, 3),
                                        LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z and zPrime must have the same shape. Got: [4, 3] and [5, 3]");
        assertThatThrownBy(
                        () ->
                                Vicreg.invarianceLoss(
                                        array(projections(1, 4, 3)), array(projections(2, 4, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z and zPrime must have the same shape. Got: (4, 3) and (4, 2)");
    }

    @Test
    void shouldRejectArraysThatAreNotTwoDimensional() {
        NDArray vector = manager.ones(new Shape(6));
        NDArray cube = manager.ones(new Shape(2, 3, 4));

        assertThatThrownBy(() -> Vicreg.varianceLoss(vector, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z must be 2-D [batch, dim]. Got: shape (6) of rank 1");
        assertThatThrownBy(() -> Vicreg.vicregLoss(cube, cube, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z must be 2-D [batch, dim]. Got: shape (2, 3, 4) of rank 3");
    }

    @Test
    void shouldRejectRaggedArrays() {
        float[][] ragged = {{1f, 2f, 3f}, {4f, 5f}, {6f, 7f, 8f}};

        assertThatThrownBy(() -> Vicreg.lossTerms(ragged, ragged, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "z must not be ragged: every row must have 3 values, as row 0 has. Got: row 1 with 2");
    }

    @Test
    void shouldRejectNonFiniteValues() {
        float[][] z = projections(1, 4, 3);
        float[][] withNan = TestData.copy(z);
        withNan[2][1] = Float.NaN;
        float[][] withInfinity = TestData.copy(z);
        withInfinity[0][0] = Float.NEGATIVE_INFINITY;

        assertThatThrownBy(() -> Vicreg.lossTerms(z, withNan, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zPrime must hold finite values. Got: NaN at [2][1]");
        assertThatThrownBy(() -> Vicreg.lossTerms(withInfinity, z, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z must hold finite values. Got: -Infinity at [0][0]");
    }

    @Test
    void shouldRejectNullAndEmptyRows() {
        float[][] withNullRow = {{1f, 2f}, null};
        float[][] emptyRows = {{}, {}};

        assertThatThrownBy(() -> Vicreg.lossTerms(null, withNullRow, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z must not be null");
        assertThatThrownBy(() -> Vicreg.lossTerms(withNullRow, withNullRow, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z row 1 must not be null");
        assertThatThrownBy(() -> Vicreg.lossTerms(emptyRows, emptyRows, LossWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("z rows must not be empty. Got: row 0 of length 0");
    }

    @Test
    void shouldRejectNegativeOrNonFiniteWeights() {
        assertThatThrownBy(() -> LossWeights.defaults().withWeights(-1f, 25f, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lambdaInv must be a finite, non-negative number. Got: -1.0");
        assertThatThrownBy(() -> LossWeights.defaults().withVarianceTarget(Float.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("varianceTarget must be a finite, non-negative number. Got: NaN");
    }
}
