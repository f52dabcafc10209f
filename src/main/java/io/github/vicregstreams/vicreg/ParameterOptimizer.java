package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer whose state can be saved and restored exactly.
 *
 * <p>DJL's own optimizers keep their state in private maps keyed by random parameter ids that
 * change whenever the model is rebuilt, so a restored model would continue with a fresh optimizer
 * and diverge. Here the state is a fixed number of slots per parameter, keyed by the parameter's
 * name, living on the trainer's manager.
 */
abstract class ParameterOptimizer {

  final OptimizerConfig config;
  private final NDManager stateManager;
  private final Map<String, NDArray[]> slots = new LinkedHashMap<>();
  private long updates;

  ParameterOptimizer(OptimizerConfig config, NDManager stateManager) {
    this.config = config;
    this.stateManager = stateManager;
  }

  static ParameterOptimizer create(OptimizerConfig config, NDManager stateManager) {
    return switch (config.kind()) {
      case ADAM -> new AdamOptimizer(config, stateManager);
      case SGD -> new SgdOptimizer(config, stateManager);
      case LARS -> new LarsOptimizer(config, stateManager);
    };
  }

  /** How many state arrays, each the shape of its parameter, the algorithm keeps. */
  abstract int slotsPerParameter();

  /**
   * Updates {@code weight} in place from {@code gradient}. All arrays are attached to a scope that
   * is closed after the call, so temporaries need no care; {@code slots} must be updated in place.
   */
  abstract void update(
      String name, NDArray weight, NDArray gradient, NDArray[] slots, long updateNumber);

  /** Counts one more update of all parameters; call once per step, before {@link #apply}. */
  void beginUpdate() {
    updates++;
  }

  long updates() {
    return updates;
  }

  void apply(String name, NDArray weight, NDArray gradient, NDManager scope) {
    NDArray[] state = slotsOf(name, weight);
    scope.tempAttachAll(weight);
    scope.tempAttachAll(state);
    update(name, weight, gradient, state, updates);
  }

  /** The state of one parameter: new zero arrays the first time it is asked for. */
  NDArray[] slotsOf(String name, NDArray weight) {
    return slots.computeIfAbsent(
        name,
        key -> {
          NDArray[] fresh = new NDArray[slotsPerParameter()];
          for (int i = 0; i < fresh.length; i++) {
            fresh[i] = stateManager.zeros(weight.getShape(), weight.getDataType());
          }
          return fresh;
        });
  }

  /** Restores the update counter; slots are restored through {@link #slotsOf}. */
  void restoreUpdates(long count) {
    this.updates = count;
  }

  /** Whether parameters of this shape are weight matrices (not biases or normalisation terms). */
  static boolean isMatrix(NDArray weight) {
    return weight.getShape().dimension() > 1;
  }
}
