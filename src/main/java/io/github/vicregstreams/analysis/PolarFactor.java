package io.github.vicregstreams.analysis;

/**
 * The orthogonal polar factor \( U V^T \) of a square matrix \( M = U \Sigma V^T \): the orthogonal
 * matrix nearest M, and the solution of the orthogonal Procrustes problem ({@link
 * OrthogonalProcrustes}, which documents the method).
 */
final class PolarFactor {

    /**
     * A column of M V whose norm, after removing the directions already taken, is at most this
     * fraction of the largest singular value is taken as zero: far above the rounding error of M V
     * in double (about d ε σmax), far below any direction the reference items really determine.
     */
    private static final double NULL_DIRECTION = 1e-10;

    private PolarFactor() {}

    /**
     * The orthogonal polar factor of a square matrix.
     *
     * @param m a d×d matrix of finite values, d ≥ 1; not modified
     * @return \( U V^T \), row-major
     */
    static double[][] of(double[][] m) {
        int d = m.length;
        // MᵀM, lower triangle (SymmetricEigen reads no more).
        double[][] gram = new double[d][d];
        for (int c = 0; c < d; c++) {
            double[] row = m[c];
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                if (ra == 0.0) {
                    continue;
                }
                double[] out = gram[a];
                for (int b = 0; b <= a; b++) {
                    out[b] += ra * row[b];
                }
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double[][] v = new double[d][]; // v[j]: the right singular vector of the j-th largest σ
        for (int j = 0; j < d; j++) {
            v[j] = eigen.largestVector(j);
        }
        double largest = 0;
        double[][] mv = new double[d][];
        for (int j = 0; j < d; j++) {
            mv[j] = new double[d];
            for (int a = 0; a < d; a++) {
                mv[j][a] = CentredSpectrum.dot(m[a], v[j]);
            }
            largest = Math.max(largest, norm(mv[j]));
        }
        // uFor[j] pairs with v[j]; basis holds the u's taken so far, for Gram–Schmidt.
        double[][] uFor = new double[d][];
        double[][] basis = new double[d][];
        int taken = 0;
        for (int j = 0; j < d; j++) {
            if (largest > 0 && orthogonalize(mv[j], basis, taken) > NULL_DIRECTION * largest) {
                uFor[j] = normalize(mv[j]);
                basis[taken++] = uFor[j];
            }
        }
        // Completion: for each undetermined v_j, the unit vector nearest it orthogonal to the u's
        // so far (R then leaves v_j where it was, as far as orthogonality allows); should that
        // fail (v_j nearly in their span), the next standard basis vector that is not. One always
        // is: the squared residuals of the d basis vectors sum to d - taken >= 1, and those
        // rejected (each below threshold², only shrinking later) sum to under 1/4.
        int nextBasis = 0;
        double threshold = 0.5 / Math.sqrt(d);
        for (int j = 0; j < d; j++) {
            if (uFor[j] != null) {
                continue;
            }
            double[] candidate = v[j].clone();
            while (orthogonalize(candidate, basis, taken) <= threshold) {
                if (nextBasis == d) {
                    throw new IllegalStateException(
                            "No orthogonal completion found for column " + j + " of " + d);
                }
                candidate = new double[d];
                candidate[nextBasis++] = 1.0;
            }
            uFor[j] = normalize(candidate);
            basis[taken++] = uFor[j];
        }
        double[][] r = new double[d][d];
        for (int j = 0; j < d; j++) {
            addOuter(r, uFor[j], v[j]);
        }
        return r;
    }

    /**
     * Removes from x its components along the first {@code count} rows of {@code basis}
     * (orthonormal), twice (one pass of Gram–Schmidt can leave a visible component when x was
     * nearly in their span); returns the norm of what is left.
     */
    private static double orthogonalize(double[] x, double[][] basis, int count) {
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < count; k++) {
                double[] q = basis[k];
                double c = CentredSpectrum.dot(q, x);
                for (int i = 0; i < x.length; i++) {
                    x[i] -= c * q[i];
                }
            }
        }
        return norm(x);
    }

    private static double norm(double[] x) {
        return Math.sqrt(CentredSpectrum.dot(x, x));
    }

    private static double[] normalize(double[] x) {
        double n = norm(x);
        for (int i = 0; i < x.length; i++) {
            x[i] /= n;
        }
        return x;
    }

    /** r += u vᵀ. */
    private static void addOuter(double[][] r, double[] u, double[] v) {
        for (int a = 0; a < r.length; a++) {
            double ua = u[a];
            double[] row = r[a];
            for (int b = 0; b < row.length; b++) {
                row[b] += ua * v[b];
            }
        }
    }
}
