package io.github.vicregstreams.vicreg;

/**
 * An independent, plain double-precision VICReg written from DESIGN.md, for checking the DJL
 * implementation. Deliberately naive: loops, no shared code with the main sources.
 */
final class ReferenceVicreg {

    static final double EPS = 1e-4;

    private ReferenceVicreg() {}

    static double invariance(double[][] z, double[][] zp) {
        double sum = 0;
        int n = z.length;
        int d = z[0].length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double diff = z[i][j] - zp[i][j];
                sum += diff * diff;
            }
        }
        return sum / (n * (double) d);
    }

    static double[] std(double[][] z, boolean unbiased) {
        int n = z.length;
        int d = z[0].length;
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] row : z) {
                mean += row[j];
            }
            mean /= n;
            double ss = 0;
            for (double[] row : z) {
                ss += (row[j] - mean) * (row[j] - mean);
            }
            std[j] = Math.sqrt(ss / (unbiased ? n - 1 : n) + EPS);
        }
        return std;
    }

    static double variance(double[][] z, double gamma, boolean unbiased) {
        double[] std = std(z, unbiased);
        double sum = 0;
        for (double s : std) {
            sum += Math.max(0, gamma - s);
        }
        return sum / std.length;
    }

    static double covariance(double[][] z) {
        int n = z.length;
        int d = z[0].length;
        double[] mean = new double[d];
        for (double[] row : z) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double sum = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                if (a == b) {
                    continue;
                }
                double c = 0;
                for (double[] row : z) {
                    c += (row[a] - mean[a]) * (row[b] - mean[b]);
                }
                c /= n - 1;
                sum += c * c;
            }
        }
        return sum / d;
    }

    static double total(
            double[][] z, double[][] zp, double lambda, double mu, double nu, double gamma) {
        return lambda * invariance(z, zp)
                + mu * (variance(z, gamma, true) + variance(zp, gamma, true))
                + nu * (covariance(z) + covariance(zp));
    }

    static double[][] toDouble(float[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                out[i][j] = m[i][j];
            }
        }
        return out;
    }
}
