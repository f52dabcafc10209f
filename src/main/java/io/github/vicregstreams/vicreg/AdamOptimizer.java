package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Adam with bias correction folded into the step size, and weight decay decoupled (AdamW), as
 * {@link FusedAdam} computes it.
 *
 * <p>Slots: first moment m, second moment v, kept here so that they can be checkpointed.
 */
final class AdamOptimizer extends ParameterOptimizer {

    private final FusedAdam.Settings settings;

    AdamOptimizer(OptimizerConfig config, NDManager stateManager) {
        super(config, stateManager);
        this.settings =
                new FusedAdam.Settings(
                        config.learningRate(),
                        config.beta1(),
                        config.beta2(),
                        config.epsilon(),
                        config.weightDecay());
    }

    @Override
    boolean elementwise() {
        return true;
    }

    @Override
    int slotsPerParameter() {
        return 2;
    }

    @Override
    void update(String name, NDArray weight, NDArray gradient, NDArray[] slots, long t) {
        FusedAdam.update(weight, gradient, slots[0], slots[1], settings, t);
    }
}
