package io.github.vicregstreams.vicreg;

/**
 * The VICReg objective and its unweighted terms, as plain numbers.
 *
 * @param total the weighted total L
 * @param invariance s(Z, Z′)
 * @param varianceZ v(Z)
 * @param varianceZPrime v(Z′)
 * @param covarianceZ c(Z)
 * @param covarianceZPrime c(Z′)
 */
public record LossTerms(
        double total,
        double invariance,
        double varianceZ,
        double varianceZPrime,
        double covarianceZ,
        double covarianceZPrime) {

    /**
     * The variance terms of both views, unweighted: v(Z) + v(Z′).
     *
     * @return the sum
     */
    public double variance() {
        return varianceZ + varianceZPrime;
    }

    /**
     * The covariance terms of both views, unweighted: c(Z) + c(Z′).
     *
     * @return the sum
     */
    public double covariance() {
        return covarianceZ + covarianceZPrime;
    }

    /**
     * Whether every term is a finite number.
     *
     * @return true when nothing is NaN or infinite
     */
    public boolean isFinite() {
        return Double.isFinite(total)
                && Double.isFinite(invariance)
                && Double.isFinite(varianceZ)
                && Double.isFinite(varianceZPrime)
                && Double.isFinite(covarianceZ)
                && Double.isFinite(covarianceZPrime);
    }
}
