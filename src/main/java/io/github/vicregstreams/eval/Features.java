package io.github.vicregstreams.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Matrix helpers shared by the probe and kNN: checks, standardization, staging to NDArrays. */
final class Features {

    /** Added to a feature's standard deviation, so that constant features stay finite. */
    static final double STD_EPSILON = 1e-6;

    private Features() {}

    /** Checks a labelled matrix: at least one row, rows of one width, one label per row, ≥ 0. */
    static int requireLabelled(String name, float[][] x, int[] y) {
        if (x == null || y == null) {
            throw new IllegalArgumentException(name + " features and labels must not be null");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one row. Got: 0");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException(
                    name
                            + " must have one label per row: "
                            + x.length
                            + " rows. Got labels: "
                            + y.length);
        }
        int width = requireMatrix(name, x);
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0) {
                throw new IllegalArgumentException(
                        name + " labels must be at least 0. Got: " + y[i] + " at row " + i);
            }
        }
        return width;
    }

    static int requireMatrix(String name, float[][] x) {
        if (x == null || x.length == 0 || x[0] == null || x[0].length == 0) {
            throw new IllegalArgumentException(name + " must have at least one row and one column");
        }
        int width = x[0].length;
        for (int i = 1; i < x.length; i++) {
            if (x[i] == null || x[i].length != width) {
                throw new IllegalArgumentException(
                        name
                                + " rows must all have "
                                + width
                                + " features (as row 0). Row "
                                + i
                                + " has: "
                                + (x[i] == null ? "none" : x[i].length));
            }
        }
        return width;
    }

    static int classCount(int[]... labelSets) {
        int max = -1;
        for (int[] labels : labelSets) {
            for (int label : labels) {
                max = Math.max(max, label);
            }
        }
        return max + 1;
    }

    /** The share of predictions equal to their label. */
    static double accuracy(int[] predicted, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** Column means and standard deviations (population, plus {@link #STD_EPSILON}). */
    static double[][] moments(float[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        double[] var = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                var[j] += c * c;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(var[j] / x.length) + STD_EPSILON;
        }
        return new double[][] {mean, std};
    }

    /** Rows as one float32 array on {@code manager}, standardized when moments are given. */
    static NDArray stage(NDManager manager, float[][] x, double[][] moments) {
        int d = x[0].length;
        ByteBuffer buffer =
                ByteBuffer.allocateDirect(x.length * d * Float.BYTES)
                        .order(ByteOrder.nativeOrder());
        FloatBuffer floats = buffer.asFloatBuffer();
        for (float[] row : x) {
            if (moments == null) {
                floats.put(row);
            } else {
                for (int j = 0; j < d; j++) {
                    floats.put((float) ((row[j] - moments[0][j]) / moments[1][j]));
                }
            }
        }
        return manager.create(buffer, new Shape(x.length, d), DataType.FLOAT32);
    }
}
