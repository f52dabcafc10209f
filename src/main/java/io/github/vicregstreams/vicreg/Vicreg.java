package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;

/**
 * VICReg — Variance-Invariance-Covariance Regularization (Bardes, Ponce and LeCun, ICLR 2022): the
 * model builder, the three loss terms, the full loss and the defaults.
 *
 * <p>The objective, for two batches of projections \(Z, Z'\) of shape \([n, d]\):
 *
 * <p>\(L = \lambda\, s(Z, Z') + \mu\, [v(Z) + v(Z')] + \nu\, [c(Z) + c(Z')]\)
 *
 * <p>with invariance \(s\) the mean squared difference, variance \(v(Z) = \frac{1}{d}\sum_j \max(0,
 * \gamma - \sqrt{\mathrm{Var}(z_j) + 10^{-4}})\) and covariance \(c(Z) = \frac{1}{d} \sum_{i \ne j}
 * C(Z)_{ij}^2\). Variance is unbiased (divisor \(n - 1\)) unless {@link
 * VarianceEstimator#POPULATION} is asked for; the covariance divides by the batch's own \(n - 1\).
 * Like the paper, and unlike the official code, the variance sum is not halved.
 *
 * <p>The NDArray methods return arrays attached to the first argument's manager. All of them need
 * at least 2 rows and throw {@link IllegalArgumentException} naming what is wrong otherwise.
 */
public final class Vicreg {

    /** Default projection head output dimension. */
    public static final int DEFAULT_PROJECTION_DIM = 256;

    /** Default encoder and projector hidden dimension. */
    public static final int DEFAULT_HIDDEN_SIZE = 512;

    /** Default invariance loss coefficient λ. */
    public static final float DEFAULT_LAMBDA_INV = 25f;

    /** Default variance loss coefficient μ. */
    public static final float DEFAULT_MU_VAR = 25f;

    /** Default covariance loss coefficient ν. */
    public static final float DEFAULT_NU_COV = 1f;

    /** Default target standard deviation γ of the variance term. */
    public static final float DEFAULT_VARIANCE_TARGET = 1f;

    /** ε added to the variance before the square root. */
    public static final float VARIANCE_EPSILON = VicregLoss.EPSILON;

    private Vicreg() {}

    /**
     * Builds an uninitialised VICReg model (encoder + projector) for a spec.
     *
     * @param spec the dimensions
     * @return a block mapping {@code [batch, encoderDim]} to {@code [batch, projectionDim]}, whose
     *     {@link VicregBlock#encoder()} gives the representation
     */
    public static VicregBlock build(ModelSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        return new VicregBlock(spec);
    }

    /**
     * The output size of the model: the projection dimension.
     *
     * @param spec the dimensions
     * @return {@code spec.projectionDim()}
     */
    public static int outputSize(ModelSpec spec) {
        return spec.projectionDim();
    }

    /**
     * Invariance term: mean squared difference between the two views' projections.
     *
     * @param z projections of view 1, {@code [n, d]}
     * @param zPrime projections of view 2, same shape
     * @return a scalar
     */
    public static NDArray invarianceLoss(NDArray z, NDArray zPrime) {
        requirePair(z, zPrime);
        return VicregLoss.invariance(z, zPrime);
    }

    /**
     * Variance term with the unbiased estimator: hinge on each dimension's standard deviation.
     *
     * @param z projections {@code [n, d]}, n ≥ 2
     * @param target the target standard deviation γ
     * @return a scalar
     */
    public static NDArray varianceLoss(NDArray z, float target) {
        return varianceLoss(z, target, VarianceEstimator.UNBIASED);
    }

    /**
     * Variance term: hinge on each dimension's standard deviation.
     *
     * @param z projections {@code [n, d]}, n ≥ 2
     * @param target the target standard deviation γ
     * @param estimator how to estimate the variance
     * @return a scalar
     */
    public static NDArray varianceLoss(NDArray z, float target, VarianceEstimator estimator) {
        Matrices.requireNdMatrix("z", z);
        return VicregLoss.variance(z, target, estimator);
    }

    /**
     * Covariance term: the squared off-diagonal entries of the covariance matrix, over d.
     *
     * @param z projections {@code [n, d]}, n ≥ 2
     * @return a scalar
     */
    public static NDArray covarianceLoss(NDArray z) {
        Matrices.requireNdMatrix("z", z);
        return VicregLoss.covariance(z);
    }

    /**
     * The full VICReg loss.
     *
     * @param z projections of view 1, {@code [n, d]}
     * @param zPrime projections of view 2, same shape
     * @param weights the coefficients
     * @return a scalar
     */
    public static NDArray vicregLoss(NDArray z, NDArray zPrime, LossWeights weights) {
        LossBreakdown terms = lossBreakdown(z, zPrime, weights);
        terms.closeAllBut(terms.total());
        return terms.total();
    }

    /**
     * The full loss with each of its terms, and the per-dimension standard deviations, as arrays.
     *
     * @param z projections of view 1, {@code [n, d]}
     * @param zPrime projections of view 2, same shape
     * @param weights the coefficients
     * @return the breakdown
     */
    public static LossBreakdown lossBreakdown(NDArray z, NDArray zPrime, LossWeights weights) {
        requirePair(z, zPrime);
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
        return VicregLoss.breakdown(z, zPrime, weights);
    }

    /**
     * The full loss and its unweighted terms on plain arrays, for callers without DJL types.
     *
     * @param z projections of view 1, {@code [n][d]}, n ≥ 2, finite
     * @param zPrime projections of view 2, same shape
     * @param weights the coefficients
     * @return the weighted total and each term
     * @throws IllegalArgumentException if an array is null, ragged, has fewer than 2 rows, holds a
     *     non-finite value, or the two shapes differ
     */
    public static LossTerms lossTerms(float[][] z, float[][] zPrime, LossWeights weights) {
        int width = Matrices.requireFiniteMatrix("z", z, 2);
        Matrices.requireFiniteMatrix("zPrime", zPrime, 2);
        Matrices.requireSameShape("z", z, "zPrime", zPrime);
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            NDArray zArray = toNdArray(manager, z, width);
            NDArray zPrimeArray = toNdArray(manager, zPrime, width);
            try (LossBreakdown terms = VicregLoss.breakdown(zArray, zPrimeArray, weights)) {
                return terms.toLossTerms();
            }
        }
    }

    private static NDArray toNdArray(NDManager manager, float[][] m, int width) {
        FloatBuffer flat = FloatBuffer.allocate(m.length * width);
        Matrices.putRows(m, flat);
        flat.flip();
        return manager.create(flat, new ai.djl.ndarray.types.Shape(m.length, width));
    }

    private static void requirePair(NDArray z, NDArray zPrime) {
        Matrices.requireNdMatrix("z", z);
        Matrices.requireNdMatrix("zPrime", zPrime);
        Matrices.requireSameNdShape(z, zPrime);
    }
}
