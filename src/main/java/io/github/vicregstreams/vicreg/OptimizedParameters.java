package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's trainable state: its parameters with the optimizer's slots for each. Applies the
 * gradients of a backward pass, and captures the state into, and restores it from, the tensors of a
 * checkpoint.
 */
final class OptimizedParameters {

    private final List<Pair<String, Parameter>> parameters;
    private final ParameterOptimizer optimizer;

    /**
     * @param parameters the network's parameters, initialised, in the checkpoint's order
     * @param config the optimizer and its hyper-parameters
     * @param stateManager where the optimizer's slots live
     */
    OptimizedParameters(
            List<Pair<String, Parameter>> parameters,
            OptimizerConfig config,
            NDManager stateManager) {
        this.parameters = parameters;
        this.optimizer = ParameterOptimizer.create(config, stateManager);
    }

    /**
     * Applies the gradients that a backward pass accumulated, unless their global norm is not
     * finite, and clears them either way (backward accumulates; nothing else clears them).
     *
     * @param stepManager the step's manager: the gradients and temporaries are attached to it
     * @return the global L2 norm of the gradients; the update was applied iff it is finite
     */
    double applyGradients(NDManager stepManager) {
        List<NDArray> gradients = gradients(stepManager);
        double norm = globalNorm(gradients);
        if (Double.isFinite(norm)) {
            update(stepManager, gradients);
        }
        zeroGradients();
        return norm;
    }

    /**
     * The parameters with their values and optimizer slots, as a checkpoint stores them.
     *
     * @return one tensor per parameter, in order
     */
    List<CheckpointCodec.Tensor> toTensors() {
        List<CheckpointCodec.Tensor> tensors = new ArrayList<>(parameters.size());
        for (Pair<String, Parameter> p : parameters) {
            NDArray weight = p.getValue().getArray();
            NDArray[] slots = optimizer.slotsOf(p.getKey(), weight);
            float[][] slotValues = new float[slots.length][];
            for (int i = 0; i < slots.length; i++) {
                slotValues[i] = slots[i].toFloatArray();
            }
            tensors.add(
                    new CheckpointCodec.Tensor(
                            p.getKey(),
                            weight.getShape().getShape(),
                            weight.toFloatArray(),
                            slotValues));
        }
        return tensors;
    }

    /**
     * Checks that every tensor holds as many optimizer slots as this optimizer keeps.
     *
     * @param tensors the tensors of a checkpoint
     * @throws InvalidCheckpointException naming the first tensor that does not
     */
    void requireSlots(List<CheckpointCodec.Tensor> tensors) {
        int slotsPerParameter = optimizer.slotsPerParameter();
        for (CheckpointCodec.Tensor tensor : tensors) {
            if (tensor.slots().length != slotsPerParameter) {
                throw new InvalidCheckpointException(
                        "parameter "
                                + tensor.name()
                                + " has "
                                + tensor.slots().length
                                + " optimizer slots, "
                                + optimizer.config.kind()
                                + " keeps "
                                + slotsPerParameter);
            }
        }
    }

    /**
     * Copies the optimizer slots of checkpoint tensors in, and the count of updates they made.
     *
     * @param tensors tensors that passed {@link #requireSlots}, with the parameters' values already
     *     loaded
     * @param updates the optimizer's update count at the checkpoint
     */
    void restoreSlots(List<CheckpointCodec.Tensor> tensors, long updates) {
        NoGrad.run(
                () -> {
                    for (int i = 0; i < tensors.size(); i++) {
                        CheckpointCodec.Tensor tensor = tensors.get(i);
                        NDArray weight = parameters.get(i).getValue().getArray();
                        NDArray[] slots = optimizer.slotsOf(tensor.name(), weight);
                        for (int s = 0; s < slots.length; s++) {
                            slots[s].set(tensor.slots()[s]);
                        }
                    }
                });
        optimizer.restoreUpdates(updates);
    }

    /**
     * How many updates the optimizer has applied, for its bias corrections.
     *
     * @return the count
     */
    long updates() {
        return optimizer.updates();
    }

    private List<NDArray> gradients(NDManager stepManager) {
        List<NDArray> gradients = new ArrayList<>(parameters.size());
        for (Pair<String, Parameter> p : parameters) {
            NDArray gradient = p.getValue().getArray().getGradient();
            gradient.attach(stepManager);
            gradients.add(gradient);
        }
        return gradients;
    }

    /**
     * The global L2 norm of all gradients: one norm per parameter on the device, combined on the
     * host in double precision, so that large but finite gradients do not overflow float32 and read
     * as infinite.
     */
    private static double globalNorm(List<NDArray> gradients) {
        NDList norms = new NDList(gradients.size());
        for (NDArray gradient : gradients) {
            norms.add(gradient.norm());
        }
        double sumOfSquares = 0;
        for (float norm : NDArrays.stack(norms).toFloatArray()) {
            sumOfSquares += (double) norm * norm;
        }
        return Math.sqrt(sumOfSquares);
    }

    private void update(NDManager stepManager, List<NDArray> gradients) {
        optimizer.beginUpdate();
        // The optimizer writes through views of the parameters; no autograd history for them.
        NoGrad.run(
                () -> {
                    for (int i = 0; i < parameters.size(); i++) {
                        Pair<String, Parameter> p = parameters.get(i);
                        try (NDManager scope = stepManager.newSubManager()) {
                            optimizer.apply(
                                    p.getKey(), p.getValue().getArray(), gradients.get(i), scope);
                        }
                    }
                });
    }

    private void zeroGradients() {
        for (Pair<String, Parameter> p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.getValue().getArray());
        }
    }
}
