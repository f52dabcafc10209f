package io.github.vicregstreams.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void shouldDecomposeARandomSymmetricMatrix() {
        // Given A = Bᵀ + B for a random 40×40 B
        int n = 40;
        Random random = new Random(3);
        double[][] b = new double[n][n];
        for (double[] row : b) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = b[i][j] + b[j][i];
            }
        }

        SymmetricEigen eigen = SymmetricEigen.of(a);

        // Then A v = λ v for every pair, the vectors are unit length, and the values ascend
        double[] values = eigen.values();
        for (int k = 0; k < n; k++) {
            double lambda = values[n - 1 - k];
            double[] v = eigen.largestVector(k);
            assertThat(CentredSpectrum.dot(v, v)).isCloseTo(1.0, within(1e-10));
            for (int i = 0; i < n; i++) {
                assertThat(CentredSpectrum.dot(a[i], v)).isCloseTo(lambda * v[i], within(1e-9));
            }
            if (k > 0) {
                assertThat(values[k]).isGreaterThanOrEqualTo(values[k - 1]);
                // and distinct eigenvectors are orthogonal
                assertThat(CentredSpectrum.dot(v, eigen.largestVector(k - 1)))
                        .isCloseTo(0, within(1e-9));
            }
        }
    }

    @Test
    void shouldFindTheSameEigenvaluesWithoutTheVectors() {
        Random random = new Random(4);
        int n = 30;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }

        assertThat(SymmetricEigen.valuesOf(a))
                .containsExactly(SymmetricEigen.of(a).values(), within(1e-10));
    }

    @Test
    void shouldSortTheEigenvaluesOfADiagonalMatrix() {
        double[][] a = {{3, 0, 0}, {0, -1, 0}, {0, 0, 2}};

        SymmetricEigen eigen = SymmetricEigen.of(a);

        assertThat(eigen.values()).containsExactly(-1, 2, 3);
        assertThat(eigen.largestVector(0)).containsExactly(new double[] {1, 0, 0}, within(0.0));
    }

    @Test
    void shouldDecomposeAOneByOneMatrix() {
        assertThat(SymmetricEigen.of(new double[][] {{5}}).values()).containsExactly(5);
    }

    @Test
    void shouldRejectANonFiniteValue() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 0}, {Double.NaN, 1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matrix values must be finite. Got: NaN at (1, 0)");
    }
}
