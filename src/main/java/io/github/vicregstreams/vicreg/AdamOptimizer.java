package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Adam with bias correction folded into the step size, and weight decay decoupled (AdamW).
 *
 * <p>Slots: first moment m, second moment v. The update is the engine's fused kernel (one native
 * call per parameter instead of a dozen element-wise operations), with our own m and v so that
 * they can be checkpointed. It computes, with \(\alpha_t = \mathrm{lr} \sqrt{1 - \beta_2^t} / (1
 * - \beta_1^t)\): \(w \leftarrow w (1 - \mathrm{lr} \cdot \mathrm{wd})\), \(m \leftarrow \beta_1 m
 * + (1 - \beta_1) g\), \(v \leftarrow \beta_2 v + (1 - \beta_2) g^2\), \(w \leftarrow w - \alpha_t
 * m / (\sqrt{v} + \epsilon)\).
 */
final class AdamOptimizer extends ParameterOptimizer {

  /** The fused kernel's convention for "do not clip the gradient". */
  private static final float NO_CLIPPING = -1f;

  private static final float NO_RESCALING = 1f;

  AdamOptimizer(OptimizerConfig config, NDManager stateManager) {
    super(config, stateManager);
  }

  @Override
  int slotsPerParameter() {
    return 2;
  }

  @Override
  void update(String name, NDArray weight, NDArray gradient, NDArray[] slots, long t) {
    float beta1 = config.beta1();
    float beta2 = config.beta2();
    float lr = config.learningRate();
    float stepSize = (float) (lr * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t)));
    weight
        .getNDArrayInternal()
        .adamUpdate(
            new NDList(weight, gradient, slots[0], slots[1]),
            new NDList(weight),
            lr,
            stepSize,
            config.weightDecay(),
            NO_RESCALING,
            NO_CLIPPING,
            beta1,
            beta2,
            config.epsilon(),
            false,
            true);
  }
}
