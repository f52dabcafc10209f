package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
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
      return scope.ret(hinge(std(centre(z), estimator), target));
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
      NDArray invariance = z.sub(zPrime).square().mean();
      NDArray centredZ = centre(z);
      NDArray centredZPrime = centre(zPrime);
      NDArray stdZ = std(centredZ, w.varianceEstimator());
      NDArray stdZPrime = std(centredZPrime, w.varianceEstimator());
      NDArray varianceZ = hinge(stdZ, w.varianceTarget());
      NDArray varianceZPrime = hinge(stdZPrime, w.varianceTarget());
      NDArray covarianceZ = covarianceOfCentred(centredZ);
      NDArray covarianceZPrime = covarianceOfCentred(centredZPrime);
      NDArray total =
          invariance
              .mul(scalar(z, w.lambdaInv()))
              .add(varianceZ.add(varianceZPrime).mul(scalar(z, w.muVar())))
              .add(covarianceZ.add(covarianceZPrime).mul(scalar(z, w.nuCov())));
      return LossBreakdown.of(
          scope.ret(
              new NDList(
                  total,
                  invariance,
                  varianceZ,
                  varianceZPrime,
                  covarianceZ,
                  covarianceZPrime,
                  stdZ,
                  stdZPrime)));
    }
  }

  private static NDArray centre(NDArray z) {
    return z.sub(z.mean(BATCH_AXIS, true));
  }

  private static NDArray std(NDArray centred, VarianceEstimator estimator) {
    float divisor = estimator.divisor(centred.getShape().get(0));
    return centred
        .square()
        .sum(BATCH_AXIS)
        .div(scalar(centred, divisor))
        .add(scalar(centred, EPSILON))
        .sqrt();
  }

  /** relu(γ − std), averaged over dimensions. */
  private static NDArray hinge(NDArray std, float target) {
    return std.neg().add(scalar(std, target)).maximum(scalar(std, 0f)).mean();
  }

  private static NDArray covarianceOfCentred(NDArray centred) {
    long n = centred.getShape().get(0);
    long d = centred.getShape().get(1);
    NDArray cov = centred.transpose().matMul(centred).div(scalar(centred, n - 1));
    // A mask rather than "sum of all minus diagonal": when the diagonal dominates, the
    // subtraction would cancel most of the significant digits of the off-diagonal sum.
    NDArray offDiagonal = centred.getManager().eye((int) d).neg().add(scalar(centred, 1f));
    return cov.mul(offDiagonal).square().sum().div(scalar(centred, d));
  }

  /**
   * A float32 scalar in memory the engine owns, on the array's manager and device.
   *
   * <p>Never {@code array.mul(2f)} and the like on the autograd path: DJL's {@code op(Number)}
   * overloads wrap the number in a direct buffer, hand PyTorch a pointer into it and release it as
   * soon as the operation returns, but backward reads the saved scalar later. Once the garbage
   * collector has freed that buffer, backward reads whatever the memory now holds: with another
   * thread of the process allocating, 144 of 3,000 steps came out with infinite or NaN gradients
   * (no loss term can produce them), and 0 of 3,000 with these scalars.
   */
  private static NDArray scalar(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, DataType.FLOAT32);
  }
}
