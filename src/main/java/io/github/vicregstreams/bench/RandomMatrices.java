package io.github.vicregstreams.bench;

import java.util.Random;

/** The benchmarks' made-up inputs. */
final class RandomMatrices {

    private RandomMatrices() {}

    /** A matrix of {@link Random#nextFloat} values, drawn row by row. */
    static float[][] uniform(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextFloat();
            }
        }
        return m;
    }

    /** A matrix of {@link Random#nextGaussian} values, drawn row by row. */
    static float[][] gaussian(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return m;
    }
}
