package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The autograd gradient of the loss against central finite differences of the reference. */
class VicregGradientTest {

    @Test
    void shouldMatchFiniteDifferencesOfTheReferenceLoss() {
        int n = 5;
        int d = 3;
        float[][] z = TestData.gaussian(1, n, d, 0.6);
        float[][] zp = TestData.gaussian(2, n, d, 0.6);
        float[] autograd;
        float[] autogradPrime;
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            NDArray za = manager.create(z);
            NDArray zpa = manager.create(zp);
            za.setRequiresGradient(true);
            zpa.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                collector.backward(Vicreg.vicregLoss(za, zpa, LossWeights.defaults()));
            }
            autograd = za.getGradient().toFloatArray();
            autogradPrime = zpa.getGradient().toFloatArray();
        }

        double h = 1e-5;
        double[][] zd = ReferenceVicreg.toDouble(z);
        double[][] zpd = ReferenceVicreg.toDouble(zp);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                assertThat((double) autograd[i * d + j])
                        .as("dL/dz[%d][%d]", i, j)
                        .isCloseTo(centralDifference(zd, zpd, zd, i, j, h), within(2e-3));
                assertThat((double) autogradPrime[i * d + j])
                        .as("dL/dz'[%d][%d]", i, j)
                        .isCloseTo(centralDifference(zd, zpd, zpd, i, j, h), within(2e-3));
            }
        }
    }

    private static double centralDifference(
            double[][] z, double[][] zp, double[][] perturbed, int i, int j, double h) {
        double saved = perturbed[i][j];
        perturbed[i][j] = saved + h;
        double up = ReferenceVicreg.total(z, zp, 25, 25, 1, 1);
        perturbed[i][j] = saved - h;
        double down = ReferenceVicreg.total(z, zp, 25, 25, 1, 1);
        perturbed[i][j] = saved;
        return (up - down) / (2 * h);
    }
}
