package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;

/**
 * LARS as in the official VICReg code: weight matrices get weight decay and a layer-wise trust
 * ratio η·‖w‖/‖g + wd·w‖; biases and normalisation parameters (1-D) get neither. Then momentum.
 *
 * <p>Slot: the momentum buffer.
 */
final class LarsOptimizer extends ParameterOptimizer {

    LarsOptimizer(OptimizerConfig config, NDManager stateManager) {
        super(config, stateManager);
    }

    @Override
    boolean elementwise() {
        return false;
    }

    @Override
    int slotsPerParameter() {
        return 1;
    }

    @Override
    void update(String name, NDArray weight, NDArray gradient, NDArray[] slots, long t) {
        NDArray direction = gradient;
        if (isMatrix(weight)) {
            if (config.weightDecay() > 0f) {
                direction = gradient.add(weight.mul(config.weightDecay()));
            }
            NDArray weightNorm = weight.norm();
            NDArray updateNorm = direction.norm();
            NDArray ratio = weightNorm.mul(config.trustCoefficient()).div(updateNorm);
            // A zero norm (fresh zero weights, or a zero gradient) leaves the step unscaled.
            NDArray usable = weightNorm.gt(0f).logicalAnd(updateNorm.gt(0f));
            NDArray trust = NDArrays.where(usable, ratio, ratio.onesLike());
            direction = direction.mul(trust);
        }
        NDArray buffer = slots[0];
        buffer.muli(config.momentum()).addi(direction);
        weight.subi(buffer.mul(config.learningRate()));
    }
}
