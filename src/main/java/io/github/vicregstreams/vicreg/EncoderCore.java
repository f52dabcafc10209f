package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A VICReg network on one device with what training and inference both need of it: the NDManager
 * its arrays live on, staging inputs onto the device, the forward passes, embedding, and copying
 * weights in.
 *
 * <p>{@link VicregTrainer} adds the loss, the gradients and the optimizer; {@link InferenceModel}
 * uses the encoder alone. Both embed through {@link #embed}, so they give the same representations
 * for the same weights. Not thread-safe (it reuses one staging buffer): create it, use it and close
 * it on one thread.
 */
final class EncoderCore implements AutoCloseable {

    private final ModelSpec spec;
    private final Device device;
    private final String owner;
    private final NDManager manager;
    private final VicregBlock model;
    private final ParameterStore parameterStore;
    private final List<Pair<String, Parameter>> parameters;
    private ByteBuffer inputBuffer = ByteBuffer.allocateDirect(0);
    private boolean closed;

    private EncoderCore(ModelSpec spec, Device device, String owner) {
        this.spec = spec;
        this.device = device;
        this.owner = owner;
        this.manager = Djl.engine().newBaseManager(device);
        this.model = Vicreg.build(spec);
        this.parameterStore = new ParameterStore(manager, false);
        // The block lists its parameters afresh on every call, always in the same order.
        this.parameters = model.getParameters().stream().toList();
    }

    /**
     * The whole network, encoder and projector, with random initial weights that depend on the seed
     * alone, marked for autograd.
     *
     * @param spec the model's dimensions
     * @param seed the seed of the engine's generator
     * @param device where the arrays live: the CPU and CUDA generators differ
     * @param owner what uses it, for the message of a call after close ("trainer")
     * @return the network, ready to train
     */
    static EncoderCore seeded(ModelSpec spec, long seed, Device device, String owner) {
        EncoderCore core = new EncoderCore(spec, device, owner);
        Djl.ENGINE_LOCK.lock();
        try {
            Engine engine = Djl.engine();
            NoGrad.run(
                    () -> {
                        // The engine's generator is global: seeding and initialising under one lock
                        // keeps the initial weights a function of the seed alone.
                        engine.setRandomSeed((int) seed);
                        core.model.initialize(
                                core.manager, DataType.FLOAT32, core.inputShapeOfOneRow());
                    });
        } catch (RuntimeException e) {
            core.close();
            throw e;
        } finally {
            Djl.ENGINE_LOCK.unlock();
        }
        for (Pair<String, Parameter> p : core.parameters) {
            // Initialisation does not always mark arrays for autograd; backward needs it.
            p.getValue().getArray().setRequiresGradient(true);
        }
        return core;
    }

    /**
     * The encoder alone, holding the encoder's part of these weights; the projector is never
     * initialised.
     *
     * @param weights the weights, of a checkpoint or {@link ModelWeights#initial}
     * @param device where the arrays live
     * @param owner what uses it, for the message of a call after close ("inference model")
     * @return the encoder, ready to embed
     * @throws InvalidCheckpointException if the weights do not fit the network
     */
    static EncoderCore encoderOf(ModelWeights weights, Device device, String owner) {
        EncoderCore core = new EncoderCore(weights.spec(), device, owner);
        try {
            NoGrad.run(
                    () -> {
                        // Zeros, not the random initialiser: the values are overwritten at once,
                        // and drawing from the engine's global generator here would disturb a
                        // trainer seeding it at the same time.
                        core.model.encoder().setInitializer(Initializer.ZEROS, p -> true);
                        core.model
                                .encoder()
                                .initialize(
                                        core.manager, DataType.FLOAT32, core.inputShapeOfOneRow());
                    });
            core.requireMatching(weights.tensors());
            core.copyWeights(weights.tensors());
            return core;
        } catch (RuntimeException e) {
            core.close();
            throw e;
        }
    }

    /**
     * The representations (encoder outputs) of samples, in one forward pass without autograd.
     *
     * @param samples {@code [n][encoderDim]}, n ≥ 1, finite
     * @return {@code [n][hiddenSize]}; row i is the representation of sample i, whatever else is in
     *     the batch (every layer works row by row)
     * @throws IllegalArgumentException if the samples are null, empty, ragged, non-finite or of the
     *     wrong width
     */
    float[][] embed(float[][] samples) {
        return embed(samples, null);
    }

    /**
     * As {@link #embed(float[][])}, with each representation then multiplied by {@code outputMap}
     * ({@code [hiddenSize][m]}, from {@link #constant}) on the device, in the same pass.
     */
    float[][] embed(float[][] samples, NDArray outputMap) {
        requireOpen();
        int width = Matrices.requireFiniteMatrix("samples", samples, 1);
        requireInputWidth(width);
        int n = samples.length;
        // Each call's arrays live in a sub-manager closed before it returns: memory stays flat.
        try (NDManager scope = manager.newSubManager()) {
            return NoGrad.call(
                    () -> {
                        NDArray representation = encode(stage(scope, n, samples), false);
                        if (outputMap == null) {
                            return Matrices.rows(
                                    representation.toFloatArray(), 0, n, spec.hiddenSize());
                        }
                        NDArray mapped = representation.dot(outputMap);
                        return Matrices.rows(
                                mapped.toFloatArray(), 0, n, (int) outputMap.getShape().get(1));
                    });
        }
    }

    /**
     * A matrix as a constant on this core's device, owned by its manager (closed with the core).
     *
     * @param matrix {@code [rows][cols]}, finite
     * @return the array
     */
    NDArray constant(float[][] matrix) {
        requireOpen();
        int cols = Matrices.requireFiniteMatrix("matrix", matrix, 1);
        float[] flat = new float[matrix.length * cols];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(matrix[i], 0, flat, i * cols, cols);
        }
        return manager.create(flat, new ai.djl.ndarray.types.Shape(matrix.length, cols));
    }

    /**
     * Copies the rows of the matrices, one after the other, into one {@code [rows * matrices,
     * encoderDim]} array on the device.
     *
     * <p>The rows go through one direct buffer reused by every call. On the CPU the engine wraps
     * that buffer without copying it ({@code torch::from_blob}), so the array aliases the buffer:
     * it must not outlive the call that staged it, since the next call overwrites its values.
     *
     * @param target the manager the array is attached to
     * @param rows the rows of each matrix
     * @param matrices matrices of {@code rows} rows of {@code encoderDim} values
     * @return the staged array
     */
    NDArray stage(NDManager target, int rows, float[][]... matrices) {
        int width = spec.encoderDim();
        int bytes = rows * matrices.length * width * Float.BYTES;
        if (inputBuffer.capacity() < bytes) {
            inputBuffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        inputBuffer.clear();
        FloatBuffer floats = inputBuffer.asFloatBuffer();
        for (float[][] m : matrices) {
            Matrices.putRows(m, floats);
        }
        inputBuffer.limit(bytes);
        return target.create(
                inputBuffer, new Shape((long) rows * matrices.length, width), DataType.FLOAT32);
    }

    /**
     * The encoder's forward pass: inputs to representations.
     *
     * @param input {@code [batch, encoderDim]}
     * @param training whether autograd records it for a backward pass
     * @return {@code [batch, hiddenSize]}
     */
    NDArray encode(NDArray input, boolean training) {
        return model.encoder()
                .forward(parameterStore, new NDList(input), training)
                .singletonOrThrow();
    }

    /**
     * The projector's forward pass: representations to projections.
     *
     * @param representation {@code [batch, hiddenSize]}
     * @param training whether autograd records it for a backward pass
     * @return {@code [batch, projectionDim]}
     */
    NDArray project(NDArray representation, boolean training) {
        return model.projector()
                .forward(parameterStore, new NDList(representation), training)
                .singletonOrThrow();
    }

    /**
     * Checks that tensors fit the network's parameters one to one: as many, the same names in the
     * same order, and the same shapes for those initialised. Changes nothing, so a caller can check
     * everything before loading anything.
     *
     * @param tensors the parameters of a checkpoint, in the model's order
     * @throws InvalidCheckpointException naming the first misfit
     */
    void requireMatching(List<CheckpointCodec.Tensor> tensors) {
        if (tensors.size() != parameters.size()) {
            throw new InvalidCheckpointException(
                    "it holds "
                            + tensors.size()
                            + " parameters, the model has "
                            + parameters.size());
        }
        for (int i = 0; i < tensors.size(); i++) {
            CheckpointCodec.Tensor tensor = tensors.get(i);
            Pair<String, Parameter> p = parameters.get(i);
            boolean sameName = tensor.name().equals(p.getKey());
            if (!p.getValue().isInitialized()) {
                // The encoder alone: the projector has no arrays, hence no shape to compare.
                if (!sameName) {
                    throw new InvalidCheckpointException(
                            "parameter "
                                    + i
                                    + " is "
                                    + tensor.name()
                                    + ", the model expects "
                                    + p.getKey());
                }
                continue;
            }
            Shape shape = new Shape(tensor.shape());
            Shape expected = p.getValue().getArray().getShape();
            if (!sameName || !expected.equals(shape)) {
                throw new InvalidCheckpointException(
                        "parameter "
                                + i
                                + " is "
                                + tensor.name()
                                + " of shape "
                                + shape
                                + ", the model expects "
                                + p.getKey()
                                + " of shape "
                                + expected);
            }
        }
    }

    /**
     * Copies the values of tensors into the initialised parameters, without autograd.
     *
     * @param tensors tensors that passed {@link #requireMatching}
     */
    void copyWeights(List<CheckpointCodec.Tensor> tensors) {
        NoGrad.run(
                () -> {
                    for (int i = 0; i < tensors.size(); i++) {
                        Parameter parameter = parameters.get(i).getValue();
                        if (parameter.isInitialized()) {
                            parameter.getArray().set(tensors.get(i).values());
                        }
                    }
                });
    }

    /**
     * The network's parameters, named, in the model's (and the checkpoint's) order.
     *
     * @return the parameters, not to be modified
     */
    List<Pair<String, Parameter>> parameters() {
        return parameters;
    }

    /**
     * The manager the network's arrays live on; steps take sub-managers of it.
     *
     * @return the manager
     */
    NDManager manager() {
        return manager;
    }

    ModelSpec spec() {
        return spec;
    }

    Device device() {
        return device;
    }

    VicregBlock model() {
        return model;
    }

    /**
     * Rejects inputs of another width than the model's input dimension.
     *
     * @param width the width of the input rows
     * @throws IllegalArgumentException if it is not {@code encoderDim}
     */
    void requireInputWidth(int width) {
        if (width != spec.encoderDim()) {
            throw new IllegalArgumentException(
                    "samples must have "
                            + spec.encoderDim()
                            + " features (the model's input dimension). Got: "
                            + width);
        }
    }

    /**
     * Rejects use after close.
     *
     * @throws IllegalStateException if closed, naming the owner
     */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this " + owner + " is closed");
        }
    }

    /** How many arrays the manager itself holds; flat across steps when nothing leaks. */
    int managedArrayCount() {
        return manager.getManagedArrays().size();
    }

    /** Releases the network's native memory. Safe to call twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    private Shape inputShapeOfOneRow() {
        return new Shape(1, spec.encoderDim());
    }
}
