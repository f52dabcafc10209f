package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * SGD with momentum, as PyTorch computes it: {@code buf = momentum·buf + (g + wd·w)}, {@code w -=
 * lr·buf}. Weight decay applies to weight matrices only.
 *
 * <p>Slot: the momentum buffer.
 */
final class SgdOptimizer extends ParameterOptimizer {

  SgdOptimizer(OptimizerConfig config, NDManager stateManager) {
    super(config, stateManager);
  }

  @Override
  int slotsPerParameter() {
    return 1;
  }

  @Override
  void update(String name, NDArray weight, NDArray gradient, NDArray[] slots, long t) {
    NDArray direction = gradient;
    if (config.weightDecay() > 0f && isMatrix(weight)) {
      direction = gradient.add(weight.mul(config.weightDecay()));
    }
    NDArray buffer = slots[0];
    buffer.muli(config.momentum()).addi(direction);
    weight.subi(buffer.mul(config.learningRate()));
  }
}
