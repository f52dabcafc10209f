package io.github.vicregstreams.analysis;

import java.util.Objects;

/** The checks on a matrix given as rows that the public methods of this package share. */
final class Rows {

    private Rows() {}

    /**
     * The common width of the rows.
     *
     * @param name what the rows are, for messages
     * @param rows at least one row, all of the same positive width, all values finite
     * @return the width
     * @throws IllegalArgumentException if there is no row, the rows are ragged or of width 0, or a
     *     value is not finite
     */
    static int width(String name, float[][] rows) {
        Objects.requireNonNull(rows, name + " must not be null");
        if (rows.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one row. Got: 0");
        }
        int d = Objects.requireNonNull(rows[0], name + " rows must not be null").length;
        if (d == 0) {
            throw new IllegalArgumentException(name + " rows must not be empty. Got: width 0");
        }
        for (int i = 0; i < rows.length; i++) {
            float[] row = Objects.requireNonNull(rows[i], name + " rows must not be null");
            if (row.length != d) {
                throw new IllegalArgumentException(
                        name
                                + " rows must all have width "
                                + d
                                + ". Got: "
                                + row.length
                                + " in row "
                                + i);
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException(
                            name
                                    + " values must be finite. Got: "
                                    + row[j]
                                    + " at ("
                                    + i
                                    + ", "
                                    + j
                                    + ")");
                }
            }
        }
        return d;
    }
}
