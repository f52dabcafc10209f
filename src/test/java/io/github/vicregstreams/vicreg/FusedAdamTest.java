package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fused kernel against Adam written out in double precision. */
class FusedAdamTest {

    @RegisterExtension final NoGradManager arrays = new NoGradManager();

    @ParameterizedTest(name = "weight decay {0}")
    @ValueSource(floats = {0f, 0.1f})
    void shouldMatchAdamWWrittenOut(float weightDecay) {
        FusedAdam.Settings settings =
                new FusedAdam.Settings(0.01f, 0.9f, 0.99f, 1e-6f, weightDecay);
        Random random = new Random(5);
        int size = 37;
        double[] w = new double[size];
        double[] m = new double[size];
        double[] v = new double[size];
        float[] initial = new float[size];
        for (int i = 0; i < size; i++) {
            initial[i] = (float) random.nextGaussian();
            w[i] = initial[i];
        }
        NDArray weight = arrays.get().create(initial);
        NDArray mean = arrays.get().zeros(weight.getShape());
        NDArray variance = arrays.get().zeros(weight.getShape());

        for (int t = 1; t <= 4; t++) {
            float[] g = new float[size];
            for (int i = 0; i < size; i++) {
                g[i] = (float) random.nextGaussian();
            }
            NDArray gradient = arrays.get().create(g);
            FusedAdam.update(weight, gradient, mean, variance, settings, t);
            assertThat(gradient.toFloatArray())
                    .as("the gradient is left as it was")
                    .containsExactly(g);

            double lr = settings.learningRate();
            double b1 = settings.beta1();
            double b2 = settings.beta2();
            for (int i = 0; i < size; i++) {
                w[i] -= lr * weightDecay * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double stepSize = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                w[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + settings.epsilon());
            }
        }

        float[] actual = weight.toFloatArray();
        for (int i = 0; i < size; i++) {
            assertThat((double) actual[i]).as("w[%d]", i).isCloseTo(w[i], within(1e-5));
        }
        assertThat(actual).as("the weights moved").isNotEqualTo(initial);
    }
}
