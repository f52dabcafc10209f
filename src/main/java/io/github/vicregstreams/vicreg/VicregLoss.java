package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The VICReg objective on NDArrays.
 *
 * <p>For two batches of projections \(Z, Z'\) of shape \([n, d]\):
 *
 * <ul>
 *   <li>invariance \(s(Z, Z') = \frac{1}{nd} \sum_{i,j} (Z_{ij} - Z'_{ij})^2\)
 *   <li>variance \(v(Z) = \frac{1}{d} \sum_j \max(0, \gamma - \sqrt{\mathrm{Var}(z_j) +
 *       \epsilon})\), \(\epsilon = 10^{-4}\), variance over the batch with divisor \(n - 1\)
 *       (default) or \(n\)
 *   <li>covariance \(c(Z) = \frac{1}{d} \sum_{i \ne j} C(Z)_{ij}^2\), \(C(Z) = \frac{(Z -
 *       \bar{Z})^\top (Z - \bar{Z})}{n - 1}\), with \(n\) the rows of this batch
 *   <li>\(L = \lambda s(Z, Z') + \mu [v(Z) + v(Z')] + \nu [c(Z) + c(Z')]\)
 * </ul>
 *
 * <p>The official implementation halves the variance sum ({@code std_loss / 2}); the paper does
 * not, and neither do we. It also divides the covariance by the configured batch size, which is
 * wrong for a short batch; we use the batch's own row count.
 *
 * <p>Every method leaves only its result attached to the first input's manager; intermediates are
 * closed.
 */
final class VicregLoss {

    /** ε inside the square root of the variance term. */
    static final float EPSILON = 1e-4f;

    private static final int[] BATCH_AXIS = {0};

    /** In {@code [2, n, d]}: the rows of each view, and the dimensions of per-view statistics. */
    private static final int[] ROW_AXIS = {1};

    private static final int[] FEATURE_AXIS = {1};

    private VicregLoss() {}

    static NDArray invariance(NDArray z, NDArray zPrime) {
        try (NDManager scope = NDManager.subManagerOf(z)) {
            scope.tempAttachAll(z, zPrime);
            return scope.ret(z.sub(zPrime).square().mean());
        }
    }

    static NDArray variance(NDArray z, float target, VarianceEstimator estimator) {
        try (NDManager scope = NDManager.subManagerOf(z)) {
            scope.tempAttachAll(z);
            return scope.ret(hinge(std(centre(z), estimator, BATCH_AXIS), target, BATCH_AXIS));
        }
    }

    static NDArray covariance(NDArray z) {
        try (NDManager scope = NDManager.subManagerOf(z)) {
            scope.tempAttachAll(z);
            return scope.ret(covarianceOfCentred(centre(z)));
        }
    }

    static LossBreakdown breakdown(NDArray z, NDArray zPrime, LossWeights w) {
        try (NDManager scope = NDManager.subManagerOf(z)) {
            scope.tempAttachAll(z, zPrime);
            NDArray views = NDArrays.stack(new NDList(z, zPrime));
            return LossBreakdown.of(scope.ret(new NDList(breakdownOfViews(views, w).arrays())));
        }
    }

    /**
     * The loss of both views stacked as {@code [2, n, d]}: the per-view terms are computed for both
     * views at once (batched reductions and one batched product for the covariances), half the
     * operations of computing them view by view, forward and backward.
     */
    static LossBreakdown breakdownOfViews(NDArray views, LossWeights w) {
        try (NDManager scope = NDManager.subManagerOf(views)) {
            scope.tempAttachAll(views);
            NDArray z = views.get(0);
            NDArray zPrime = views.get(1);
            NDArray invariance = z.sub(zPrime).square().mean();
            NDArray centred = views.sub(views.mean(ROW_AXIS, true));
            NDArray std = std(centred, w.varianceEstimator(), ROW_AXIS);
            NDArray variance = hinge(std, w.varianceTarget(), FEATURE_AXIS);
            NDArray covariance = covarianceOfCentred(centred);
            NDArray total =
                    invariance
                            .mul(scalar(views, w.lambdaInv()))
                            .add(variance.sum().mul(scalar(views, w.muVar())))
                            .add(covariance.sum().mul(scalar(views, w.nuCov())));
            return LossBreakdown.of(
                    scope.ret(
                            new NDList(
                                    total,
                                    invariance,
                                    variance.get(0),
                                    variance.get(1),
                                    covariance.get(0),
                                    covariance.get(1),
                                    std.get(0),
                                    std.get(1))));
        }
    }

    private static NDArray centre(NDArray z) {
        return z.sub(z.mean(BATCH_AXIS, true));
    }

    /** The per-dimension std over the rows, which are on {@code rowAxis}. */
    private static NDArray std(NDArray centred, VarianceEstimator estimator, int[] rowAxis) {
        float divisor = estimator.divisor(centred.getShape().get(rowAxis[0]));
        return centred.square()
                .sum(rowAxis)
                .div(scalar(centred, divisor))
                .add(scalar(centred, EPSILON))
                .sqrt();
    }

    /** relu(γ − std), averaged over the dimensions, which are on {@code featureAxis} of std. */
    private static NDArray hinge(NDArray std, float target, int[] featureAxis) {
        return std.neg().add(scalar(std, target)).maximum(scalar(std, 0f)).mean(featureAxis);
    }

    /**
     * The covariance term of centred {@code [n, d]} (a scalar) or of centred {@code [2, n, d]} (one
     * per view).
     */
    private static NDArray covarianceOfCentred(NDArray centred) {
        int rank = centred.getShape().dimension();
        long n = centred.getShape().get(rank - 2);
        long d = centred.getShape().get(rank - 1);
        NDArray transposed = rank == 2 ? centred.transpose() : centred.transpose(0, 2, 1);
        NDArray cov = transposed.matMul(centred).div(scalar(centred, n - 1));
        // A mask rather than "sum of all minus diagonal": when the diagonal dominates, the
        // subtraction would cancel most of the significant digits of the off-diagonal sum.
        NDArray offDiagonal = centred.getManager().eye((int) d).neg().add(scalar(centred, 1f));
        int[] matrixAxes = rank == 2 ? new int[] {0, 1} : new int[] {1, 2};
        return cov.mul(offDiagonal).square().sum(matrixAxes).div(scalar(centred, d));
    }

    /**
     * A float32 scalar in memory the engine owns, on the array's manager and device.
     *
     * <p>Never {@code array.mul(2f)} and the like on the autograd path: DJL's {@code op(Number)}
     * overloads wrap the number in a direct buffer, hand PyTorch a pointer into it and release it
     * as soon as the operation returns, but backward reads the saved scalar later. Once the garbage
     * collector has freed that buffer, backward reads whatever the memory now holds: with another
     * thread of the process allocating, 144 of 3,000 steps came out with infinite or NaN gradients
     * (no loss term can produce them), and 0 of 3,000 with these scalars.
     */
    private static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, DataType.FLOAT32);
    }
}
