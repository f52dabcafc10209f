package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The encoder of a VICReg model at one step, for inference only: no projector, no optimizer, no
 * gradients. {@link #embed} gives exactly what {@link VicregTrainer#embed} gives for the same
 * weights.
 *
 * <p>Not thread-safe: create it, use it and close it on one thread (it reuses one staging buffer).
 * Each call's arrays live in a sub-manager closed before the call returns, so memory stays flat.
 */
public final class InferenceModel implements AutoCloseable {

    private final ModelSpec spec;
    private final long step;
    private final Device device;
    private final NDManager manager;
    private final VicregBlock model;
    private final ParameterStore parameterStore;
    private ByteBuffer inputBuffer = ByteBuffer.allocateDirect(0);
    private boolean closed;

    private InferenceModel(ModelWeights weights, Device device) {
        this.spec = weights.spec();
        this.step = weights.step();
        this.device = device;
        this.manager = Djl.engine().newBaseManager(device);
        this.model = Vicreg.build(spec);
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(false);
            // Zeros, not the random initialiser: the values are overwritten at once, and drawing
            // from
            // the engine's global generator here would disturb a trainer seeding it at the same
            // time.
            model.encoder().setInitializer(Initializer.ZEROS, p -> true);
            model.encoder().initialize(manager, DataType.FLOAT32, new Shape(1, spec.encoderDim()));
            load(weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        this.parameterStore = new ParameterStore(manager, false);
    }

    /**
     * Builds the encoder of these weights on a device.
     *
     * @param weights the weights, of a checkpoint or {@link ModelWeights#initial}
     * @param device where to run
     * @return the model
     * @throws IllegalStateException if a GPU is asked for and there is none
     */
    public static InferenceModel create(ModelWeights weights, DeviceChoice device) {
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
        return new InferenceModel(weights, device.resolve());
    }

    /**
     * The representations (encoder outputs) of samples, in one forward pass.
     *
     * @param samples {@code [n][encoderDim]}, n ≥ 1, finite
     * @return {@code [n][hiddenSize]}; row i is the representation of sample i, whatever else is in
     *     the batch (every layer works row by row)
     * @throws IllegalArgumentException if the samples are null, empty, ragged, non-finite or of the
     *     wrong width
     */
    public float[][] embed(float[][] samples) {
        if (closed) {
            throw new IllegalStateException("this inference model is closed");
        }
        int width = Matrices.requireFiniteMatrix("samples", samples, 1);
        if (width != spec.encoderDim()) {
            throw new IllegalArgumentException(
                    "samples must have "
                            + spec.encoderDim()
                            + " features (the model's input dimension). Got: "
                            + width);
        }
        int n = samples.length;
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager scope = manager.newSubManager()) {
            JniUtils.setGradMode(false);
            NDArray input = stage(scope, samples);
            NDArray representation =
                    model.encoder()
                            .forward(parameterStore, new NDList(input), false)
                            .singletonOrThrow();
            return Matrices.rows(representation.toFloatArray(), 0, n, spec.hiddenSize());
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * The training step of the weights.
     *
     * @return the step
     */
    public long step() {
        return step;
    }

    /**
     * The model's dimensions.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Where it runs.
     *
     * @return the device
     */
    public Device device() {
        return device;
    }

    /** Releases the native memory. Safe to call twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    /** Copies the encoder's parameters in; the projector is never initialised. */
    private void load(ModelWeights weights) {
        List<Pair<String, Parameter>> parameters = model.getParameters().stream().toList();
        List<CheckpointCodec.Tensor> tensors = weights.tensors();
        if (tensors.size() != parameters.size()) {
            throw new InvalidCheckpointException(
                    "it holds "
                            + tensors.size()
                            + " parameters, the model has "
                            + parameters.size());
        }
        Set<Parameter> encoder = Collections.newSetFromMap(new IdentityHashMap<>());
        model.encoder().getParameters().forEach(p -> encoder.add(p.getValue()));
        for (int i = 0; i < tensors.size(); i++) {
            CheckpointCodec.Tensor tensor = tensors.get(i);
            Parameter parameter = parameters.get(i).getValue();
            if (!tensor.name().equals(parameters.get(i).getKey())) {
                throw new InvalidCheckpointException(
                        "parameter "
                                + i
                                + " is "
                                + tensor.name()
                                + ", the model expects "
                                + parameters.get(i).getKey());
            }
            if (encoder.contains(parameter)) {
                NDArray array = parameter.getArray();
                if (!array.getShape().equals(new Shape(tensor.shape()))) {
                    throw new InvalidCheckpointException(
                            "parameter "
                                    + tensor.name()
                                    + " has shape "
                                    + new Shape(tensor.shape())
                                    + ", the model expects "
                                    + array.getShape());
                }
                array.set(tensor.values());
            }
        }
    }

    /** Copies the rows into one array on the device through a reused direct buffer. */
    private NDArray stage(NDManager target, float[][] rows) {
        int width = spec.encoderDim();
        int bytes = rows.length * width * Float.BYTES;
        if (inputBuffer.capacity() < bytes) {
            inputBuffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        inputBuffer.clear();
        FloatBuffer floats = inputBuffer.asFloatBuffer();
        Matrices.putRows(rows, floats);
        inputBuffer.limit(bytes);
        return target.create(inputBuffer, new Shape(rows.length, width), DataType.FLOAT32);
    }
}
