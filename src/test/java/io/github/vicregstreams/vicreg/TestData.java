package io.github.vicregstreams.vicreg;

import java.util.Random;

/** Seeded matrices for tests. */
final class TestData {

    private TestData() {}

    static float[][] gaussian(long seed, int rows, int cols, double scale) {
        Random random = new Random(seed);
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = (float) (random.nextGaussian() * scale);
            }
        }
        return m;
    }

    static float[][] copy(float[][] m) {
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    /**
     * Two views of samples drawn around a few cluster centres in a low-dimensional subspace: the
     * views share the sample's latent point and differ by small independent noise.
     */
    static float[][][] structuredPairs(long seed, int rows, int dim) {
        Random random = new Random(seed);
        int latent = 4;
        double[][] basis = new double[latent][dim];
        Random basisRandom = new Random(7);
        for (double[] row : basis) {
            for (int j = 0; j < dim; j++) {
                row[j] = basisRandom.nextGaussian();
            }
        }
        float[][] view1 = new float[rows][dim];
        float[][] view2 = new float[rows][dim];
        for (int i = 0; i < rows; i++) {
            double[] code = new double[latent];
            for (int k = 0; k < latent; k++) {
                code[k] = random.nextGaussian();
            }
            for (int j = 0; j < dim; j++) {
                double x = 0;
                for (int k = 0; k < latent; k++) {
                    x += code[k] * basis[k][j];
                }
                view1[i][j] = (float) (x + 0.1 * random.nextGaussian());
                view2[i][j] = (float) (x + 0.1 * random.nextGaussian());
            }
        }
        return new float[][][] {view1, view2};
    }
}
