package io.github.vicregstreams.analysis;

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix: Householder reduction to tridiagonal
 * form, then the implicit QL algorithm (the {@code tred2}/{@code tql2} pair of EISPACK, as in the
 * public-domain JAMA library). About \( 9 n^3 \) flops with the eigenvectors, \( \tfrac{4}{3} n^3
 * \) for the eigenvalues alone.
 *
 * <p>Plain Java on doubles on purpose: the monitor runs beside the trainer and must not touch its
 * device or its {@code NDManager}s.
 */
final class SymmetricEigen {

    private static final double EPS = Math.ulp(1.0);

    /** Ascending eigenvalues. */
    private final double[] values;

    /** Column {@code j} is the unit eigenvector of {@code values[j]}. */
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes a symmetric matrix; only its lower triangle is read.
     *
     * @param matrix an n×n symmetric matrix of finite values, n ≥ 1; not modified
     * @return its decomposition
     * @throws IllegalArgumentException if the matrix is not square or holds a non-finite value
     */
    static SymmetricEigen of(double[][] matrix) {
        return decompose(matrix, true);
    }

    /**
     * The eigenvalues only, several times faster than {@link #of} for large matrices.
     *
     * @param matrix as for {@link #of}
     * @return the eigenvalues, ascending
     */
    static double[] valuesOf(double[][] matrix) {
        return decompose(matrix, false).values;
    }

    private static SymmetricEigen decompose(double[][] matrix, boolean wantVectors) {
        int n = matrix.length;
        if (n == 0) {
            throw new IllegalArgumentException("matrix must have at least one row. Got: 0");
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException(
                        "matrix must be square. Got: row "
                                + i
                                + " of length "
                                + matrix[i].length
                                + " in "
                                + n);
            }
            for (int j = 0; j <= i; j++) {
                double x = matrix[i][j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(
                            "matrix values must be finite. Got: "
                                    + x
                                    + " at ("
                                    + i
                                    + ", "
                                    + j
                                    + ")");
                }
                v[i][j] = x;
                v[j][i] = x;
            }
        }
        double[] d = new double[n];
        double[] e = new double[n];
        tred2(v, d, e, wantVectors);
        tql2(v, d, e, wantVectors);
        return new SymmetricEigen(d, wantVectors ? v : null);
    }

    /** Eigenvalues in ascending order (a copy). */
    double[] values() {
        return values.clone();
    }

    /**
     * The unit eigenvector of the {@code k}-th largest eigenvalue.
     *
     * @param k 0 for the largest
     */
    double[] largestVector(int k) {
        int column = values.length - 1 - k;
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectors[i][column];
        }
        return out;
    }

    /**
     * Householder tridiagonalization into diagonal d and sub-diagonal e; with {@code wantVectors},
     * v holds the accumulated transformations on return.
     */
    private static void tred2(double[][] v, double[] d, double[] e, boolean wantVectors) {
        int n = d.length;
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0.0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                    v[j][i] = 0.0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0.0;
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                }
            }
            d[i] = h;
        }
        if (!wantVectors) {
            // The tridiagonal matrix's diagonal is left on v's diagonal.
            for (int i = 0; i < n; i++) {
                d[i] = v[i][i];
            }
            e[0] = 0.0;
            return;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0.0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0.0;
        }
        v[n - 1][n - 1] = 1.0;
        e[0] = 0.0;
    }

    /** Implicit QL on the tridiagonal matrix (d, e); sorts the result ascending. */
    private static void tql2(double[][] v, double[] d, double[] e, boolean wantVectors) {
        int n = d.length;
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        // Converges in 1-2 iterations per eigenvalue in practice; the cap only guards against a
        // bug.
        int maxIterations = 60 * n;
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= EPS * tst1) {
                    break;
                }
                m++;
            }
            if (m > l) {
                int iterations = 0;
                do {
                    if (++iterations > maxIterations) {
                        throw new IllegalStateException(
                                "The QL iteration did not converge for eigenvalue "
                                        + l
                                        + " of "
                                        + n);
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.hypot(p, 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int k = 0; wantVectors && k < n; k++) {
                            h = v[k][i + 1];
                            v[k][i + 1] = s * v[k][i] + c * h;
                            v[k][i] = c * v[k][i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > EPS * tst1);
            }
            d[l] += f;
            e[l] = 0.0;
        }
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; wantVectors && j < n; j++) {
                    p = v[j][i];
                    v[j][i] = v[j][k];
                    v[j][k] = p;
                }
            }
        }
    }
}
