package io.github.vicregstreams.vicreg;

/**
 * The coefficients of the VICReg objective and the variance term's settings.
 *
 * @param lambdaInv weight λ of the invariance term
 * @param muVar weight μ of the two variance terms
 * @param nuCov weight ν of the two covariance terms
 * @param varianceTarget target standard deviation γ of the variance hinge
 * @param varianceEstimator how the variance term estimates variance
 */
public record LossWeights(
        float lambdaInv,
        float muVar,
        float nuCov,
        float varianceTarget,
        VarianceEstimator varianceEstimator) {

    /**
     * Validates the weights.
     *
     * @throws IllegalArgumentException if a weight is negative or not finite, or the estimator null
     */
    public LossWeights {
        requireFiniteNonNegative("lambdaInv", lambdaInv);
        requireFiniteNonNegative("muVar", muVar);
        requireFiniteNonNegative("nuCov", nuCov);
        requireFiniteNonNegative("varianceTarget", varianceTarget);
        if (varianceEstimator == null) {
            throw new IllegalArgumentException("varianceEstimator must not be null");
        }
    }

    /**
     * The paper's defaults: λ = 25, μ = 25, ν = 1, γ = 1, unbiased variance.
     *
     * @return the default weights
     */
    public static LossWeights defaults() {
        return new LossWeights(
                Vicreg.DEFAULT_LAMBDA_INV,
                Vicreg.DEFAULT_MU_VAR,
                Vicreg.DEFAULT_NU_COV,
                Vicreg.DEFAULT_VARIANCE_TARGET,
                VarianceEstimator.UNBIASED);
    }

    /**
     * A copy with other term weights.
     *
     * @param lambdaInv weight of the invariance term
     * @param muVar weight of the variance terms
     * @param nuCov weight of the covariance terms
     * @return the copy
     */
    public LossWeights withWeights(float lambdaInv, float muVar, float nuCov) {
        return new LossWeights(lambdaInv, muVar, nuCov, varianceTarget, varianceEstimator);
    }

    /**
     * A copy with another variance target γ.
     *
     * @param target the target standard deviation
     * @return the copy
     */
    public LossWeights withVarianceTarget(float target) {
        return new LossWeights(lambdaInv, muVar, nuCov, target, varianceEstimator);
    }

    /**
     * A copy with another variance estimator.
     *
     * @param estimator the estimator
     * @return the copy
     */
    public LossWeights withVarianceEstimator(VarianceEstimator estimator) {
        return new LossWeights(lambdaInv, muVar, nuCov, varianceTarget, estimator);
    }

    private static void requireFiniteNonNegative(String name, float value) {
        if (!Float.isFinite(value) || value < 0f) {
            throw new IllegalArgumentException(
                    name + " must be a finite, non-negative number. Got: " + value);
        }
    }
}
