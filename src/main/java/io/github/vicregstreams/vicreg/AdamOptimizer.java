package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Adam with bias correction, computed as PyTorch does; weight decay is decoupled (AdamW).
 *
 * <p>Slots: first moment m, second moment v.
 */
final class AdamOptimizer extends ParameterOptimizer {

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
    NDArray m = slots[0];
    NDArray v = slots[1];
    m.muli(beta1).addi(gradient.mul(1f - beta1));
    v.muli(beta2).addi(gradient.square().mul(1f - beta2));
    float biasCorrection1 = (float) (1.0 - Math.pow(beta1, t));
    float sqrtBiasCorrection2 = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
    if (config.weightDecay() > 0f) {
      weight.muli(1f - config.learningRate() * config.weightDecay());
    }
    NDArray denominator = v.sqrt().div(sqrtBiasCorrection2).add(config.epsilon());
    weight.subi(m.div(denominator).mul(config.learningRate() / biasCorrection1));
  }
}
