package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * SGD with momentum: {@code buf ← momentum·buf + lr·(g + wd·w)}, {@code w ← w − buf}. Weight decay
 * applies to weight matrices only, not to biases and normalisation parameters.
 *
 * <p>Slot: the momentum buffer. The update is the engine's fused kernel.
 */
final class SgdOptimizer extends ParameterOptimizer {

    private static final float NO_CLIPPING = -1f;
    private static final float NO_RESCALING = 1f;

    SgdOptimizer(OptimizerConfig config, NDManager stateManager) {
        super(config, stateManager);
    }

    @Override
    boolean elementwise() {
        return true;
    }

    @Override
    int slotsPerParameter() {
        return 1;
    }

    @Override
    void update(String name, NDArray weight, NDArray gradient, NDArray[] slots, long t) {
        weight.getNDArrayInternal()
                .sgdUpdate(
                        new NDList(weight, gradient, slots[0]),
                        new NDList(weight),
                        config.learningRate(),
                        isMatrix(weight) ? config.weightDecay() : 0f,
                        NO_RESCALING,
                        NO_CLIPPING,
                        config.momentum(),
                        false);
    }
}
