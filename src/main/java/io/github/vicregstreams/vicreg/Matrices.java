package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/** Checks and copies for the plain {@code float[][]} matrices the public API accepts. */
final class Matrices {

    private Matrices() {}

    /**
     * Checks that {@code m} is a finite matrix of at least {@code minRows} rows of equal, non-zero
     * width.
     *
     * @return the width
     */
    static int requireFiniteMatrix(String name, float[][] m, int minRows) {
        if (m == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (m.length < minRows) {
            throw new IllegalArgumentException(
                    name + " must have at least " + minRows + " rows. Got: " + m.length);
        }
        if (m.length == 0) {
            return 0;
        }
        if (m[0] == null) {
            throw new IllegalArgumentException(name + " row 0 must not be null");
        }
        int width = m[0].length;
        if (width == 0) {
            throw new IllegalArgumentException(
                    name + " rows must not be empty. Got: row 0 of length 0");
        }
        for (int i = 0; i < m.length; i++) {
            float[] row = m[i];
            if (row == null) {
                throw new IllegalArgumentException(name + " row " + i + " must not be null");
            }
            if (row.length != width) {
                throw new IllegalArgumentException(
                        name
                                + " must not be ragged: every row must have "
                                + width
                                + " values, as row 0 has. Got: row "
                                + i
                                + " with "
                                + row.length);
            }
            for (int j = 0; j < width; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException(
                            name
                                    + " must hold finite values. Got: "
                                    + row[j]
                                    + " at ["
                                    + i
                                    + "]["
                                    + j
                                    + "]");
                }
            }
        }
        return width;
    }

    static void requireSameShape(String a, float[][] x, String b, float[][] y) {
        if (x.length != y.length || x[0].length != y[0].length) {
            throw new IllegalArgumentException(
                    a
                            + " and "
                            + b
                            + " must have the same shape. Got: ["
                            + x.length
                            + ", "
                            + x[0].length
                            + "] and ["
                            + y.length
                            + ", "
                            + y[0].length
                            + "]");
        }
    }

    /** Copies the rows of {@code m} one after the other into {@code out} at its position. */
    static void putRows(float[][] m, FloatBuffer out) {
        for (float[] row : m) {
            out.put(row);
        }
    }

    /** Splits a row-major {@code [rows, width]} array into rows, starting at row {@code from}. */
    /** True when no value is NaN or infinite. */
    static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static float[][] rows(float[] flat, int from, int count, int width) {
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            int start = (from + i) * width;
            rows[i] = java.util.Arrays.copyOfRange(flat, start, start + width);
        }
        return rows;
    }

    static void requireNdMatrix(String name, NDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        Shape shape = a.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    name
                            + " must be 2-D [batch, dim]. Got: shape "
                            + shape
                            + " of rank "
                            + shape.dimension());
        }
        if (shape.get(0) < 2) {
            throw new IllegalArgumentException(
                    name
                            + " must have at least 2 rows. Got: "
                            + shape.get(0)
                            + " (shape "
                            + shape
                            + ")");
        }
        if (shape.get(1) < 1) {
            throw new IllegalArgumentException(
                    name + " must have at least 1 column. Got: " + shape);
        }
    }

    static void requireSameNdShape(NDArray z, NDArray zPrime) {
        if (!z.getShape().equals(zPrime.getShape())) {
            throw new IllegalArgumentException(
                    "z and zPrime must have the same shape. Got: "
                            + z.getShape()
                            + " and "
                            + zPrime.getShape());
        }
    }
}
