package io.github.vicregstreams.analysis;

/**
 * The spectrum of a set of rows after centring: the eigen-decomposition of the smaller of \( X^T X
 * \) (d×d) and \( X X^T \) (n×n), where X is the n×d matrix of rows minus their mean. Both have the
 * same non-zero eigenvalues, the squared singular values of X; the smaller one is cheaper.
 *
 * <p>Public for the monitor's PCA of recent embeddings; {@link EffectiveRank} is built on it too.
 */
public final class CentredSpectrum {

    private final double[][] centred;
    private final double[] mean;
    private final double[] ascending;
    private final SymmetricEigen eigen;
    private final boolean gram;

    private CentredSpectrum(
            double[][] centred,
            double[] mean,
            double[] ascending,
            SymmetricEigen eigen,
            boolean gram) {
        this.centred = centred;
        this.mean = mean;
        this.ascending = ascending;
        this.eigen = eigen;
        this.gram = gram;
    }

    /**
     * Centres the rows and decomposes them.
     *
     * @param rows at least one row, all of the same positive length, all values finite
     * @param withAxes whether {@link #principalAxis} will be needed (it costs several times more)
     * @throws IllegalArgumentException if the rows are empty, ragged or not finite
     */
    public static CentredSpectrum of(float[][] rows, boolean withAxes) {
        int n = rows.length;
        if (n == 0) {
            throw new IllegalArgumentException("rows must not be empty. Got: 0 rows");
        }
        int d = rows[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("rows must have at least one column. Got: 0");
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        "rows must all have length "
                                + d
                                + ". Got: "
                                + rows[i].length
                                + " in row "
                                + i);
            }
            for (int j = 0; j < d; j++) {
                float x = rows[i][j];
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(
                            "row values must be finite. Got: " + x + " at (" + i + ", " + j + ")");
                }
                mean[j] += x;
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] centred = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred[i][j] = rows[i][j] - mean[j];
            }
        }
        boolean gram = n < d;
        int size = gram ? n : d;
        double[][] product = new double[size][size];
        if (gram) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b <= a; b++) {
                    product[a][b] = dot(centred[a], centred[b]);
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                double[] row = centred[i];
                for (int a = 0; a < d; a++) {
                    double ra = row[a];
                    if (ra == 0.0) {
                        continue;
                    }
                    double[] target = product[a];
                    for (int b = 0; b <= a; b++) {
                        target[b] += ra * row[b];
                    }
                }
            }
        }
        if (withAxes) {
            SymmetricEigen eigen = SymmetricEigen.of(product);
            return new CentredSpectrum(centred, mean, eigen.values(), eigen, gram);
        }
        return new CentredSpectrum(centred, mean, SymmetricEigen.valuesOf(product), null, gram);
    }

    /** The number of rows. */
    int rows() {
        return centred.length;
    }

    /** The column means that were subtracted (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The squared singular values of the centred rows, descending, with values that are zero up to
     * rounding (and negative rounding noise) set to exactly 0.
     */
    public double[] squaredSingularValues() {
        int k = ascending.length;
        double largest = Math.max(ascending[k - 1], 0.0);
        int n = centred.length;
        int d = mean.length;
        // The rounding error of an eigenvalue is about size · ε · λmax.
        double zero = largest * Math.max(n, d) * Math.ulp(1.0) * 16;
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            double lambda = ascending[k - 1 - i];
            out[i] = lambda > zero ? lambda : 0.0;
        }
        return out;
    }

    /**
     * The unit principal axis (a d-vector) of the {@code k}-th largest variance, or a zero vector
     * when the rows have no variance in that direction.
     */
    public double[] principalAxis(int k) {
        if (eigen == null) {
            throw new IllegalStateException("This spectrum was computed without its axes");
        }
        int d = mean.length;
        double[] squared = squaredSingularValues();
        if (k >= squared.length || squared[k] == 0.0) {
            return new double[d];
        }
        double[] u = eigen.largestVector(k);
        if (!gram) {
            return u;
        }
        // For the n×n Gram matrix, u is a left singular vector: the axis is Xᵀu, normalized.
        double[] axis = new double[d];
        for (int i = 0; i < centred.length; i++) {
            double ui = u[i];
            double[] row = centred[i];
            for (int j = 0; j < d; j++) {
                axis[j] += ui * row[j];
            }
        }
        double norm = Math.sqrt(dot(axis, axis));
        for (int j = 0; j < d; j++) {
            axis[j] /= norm;
        }
        return axis;
    }

    /** The dot product of two vectors of the same length. */
    public static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
