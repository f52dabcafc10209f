package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trains one VICReg model online, one mini-batch of view pairs at a time, and embeds samples with
 * it.
 *
 * <p>The trainer owns the model, its optimizer, the NDManager they live on and the device. It is
 * not thread-safe: create it, use it and close it on one thread. Training steps of all trainers in
 * a process run one at a time, because the PyTorch engine allows one gradient collector per JVM.
 *
 * <p>Both views go through the network in one forward pass of {@code 2n} rows (every layer works
 * row by row), which makes the matrix products twice as tall and halves the number of kernel
 * launches. The representations returned with each step come from that same pass.
 *
 * <p>{@link #checkpoint()} captures parameters and optimizer state exactly: a trainer restored from
 * it produces bit-identical outputs, and training continued after a restore is bit-identical to
 * training that never stopped (on the same device and thread count).
 */
public final class VicregTrainer implements AutoCloseable {

    /** The PyTorch engine allows one open gradient collector per JVM. */
    private static final ReentrantLock ENGINE_LOCK = new ReentrantLock();

    private final TrainerConfig config;
    private final Device device;
    private final NDManager manager;
    private final VicregBlock model;
    private final ParameterStore parameterStore;
    private final ParameterOptimizer optimizer;
    private final List<Pair<String, Parameter>> parameters;
    private long step;
    private ByteBuffer inputBuffer = ByteBuffer.allocateDirect(0);
    private boolean closed;

    private VicregTrainer(TrainerConfig config, Device device) {
        this.config = config;
        this.device = device;
        Engine engine = Djl.engine();
        this.manager = engine.newBaseManager(device);
        this.model = Vicreg.build(config.spec());
        ENGINE_LOCK.lock();
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(false);
            // The engine's generator is global: seeding and initializing under one lock keeps the
            // initial weights a function of the seed alone.
            engine.setRandomSeed((int) config.seed());
            model.initialize(manager, DataType.FLOAT32, new Shape(1, config.spec().encoderDim()));
        } finally {
            JniUtils.setGradMode(gradMode);
            ENGINE_LOCK.unlock();
        }
        this.parameters = new ArrayList<>(model.getParameters().size());
        for (Pair<String, Parameter> p : model.getParameters()) {
            // Initialisation does not always mark arrays for autograd; backward needs it.
            p.getValue().getArray().setRequiresGradient(true);
            parameters.add(p);
        }
        this.parameterStore = new ParameterStore(manager, false);
        this.optimizer = ParameterOptimizer.create(config.optimizer(), manager);
    }

    /**
     * A builder for a fresh trainer.
     *
     * @param spec the model's dimensions
     * @return the builder
     */
    public static Builder builder(ModelSpec spec) {
        return new Builder(spec);
    }

    /**
     * A fresh trainer with every setting of a configuration.
     *
     * @param config spec, loss weights, optimizer and seed
     * @param device where to train
     * @return the trainer, at step 0
     * @throws IllegalStateException if a GPU is asked for and there is none
     */
    public static VicregTrainer create(TrainerConfig config, DeviceChoice device) {
        return builder(config.spec())
                .optLossWeights(config.lossWeights())
                .optOptimizer(config.optimizer())
                .optSeed(config.seed())
                .optDevice(device)
                .build();
    }

    /**
     * Restores a trainer from a checkpoint, on the {@link DeviceChoice#AUTO} device.
     *
     * @param checkpoint the bytes of {@link #checkpoint()}
     * @return a trainer with the checkpoint's configuration, weights, optimizer state and step
     * @throws InvalidCheckpointException if the checkpoint is truncated, corrupt or unknown
     */
    public static VicregTrainer restore(byte[] checkpoint) {
        return restore(checkpoint, null, DeviceChoice.AUTO);
    }

    /**
     * Restores a trainer from a checkpoint, refusing one made for another model spec.
     *
     * @param checkpoint the bytes of {@link #checkpoint()}
     * @param expectedSpec the spec the caller needs, or null to accept any
     * @param device where to run
     * @return the restored trainer
     * @throws InvalidCheckpointException if the checkpoint is truncated, corrupt, unknown or made
     *     for another spec; nothing is left half-loaded
     */
    public static VicregTrainer restore(
            byte[] checkpoint, ModelSpec expectedSpec, DeviceChoice device) {
        CheckpointCodec.Decoded decoded = CheckpointCodec.decode(checkpoint);
        TrainerConfig config = decoded.config();
        if (expectedSpec != null && !expectedSpec.equals(config.spec())) {
            throw new InvalidCheckpointException(
                    "it is for model spec "
                            + config.spec()
                            + " (input-hidden-projection), but "
                            + expectedSpec
                            + " is configured. Use a checkpoint of this spec or configure its spec.");
        }
        VicregTrainer trainer = new VicregTrainer(config, device.resolve());
        try {
            trainer.load(decoded);
            return trainer;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    /**
     * One VICReg update on a mini-batch of pairs: forward both views, loss, backward, update.
     *
     * <p>When the loss or a gradient is not finite, the parameters and optimizer state are left
     * untouched and the result says why.
     *
     * @param view1 view 0 of each pair, {@code [n][encoderDim]}, n ≥ 2, finite
     * @param view2 view 1 of each pair, same shape; row i pairs with row i of {@code view1}
     * @return the loss terms, projection std, representations of both views and the new step
     * @throws IllegalArgumentException if the views are null, ragged, non-finite, of fewer than 2
     *     rows, of the wrong width or of different shapes
     */
    public StepResult step(float[][] view1, float[][] view2) {
        requireOpen();
        int width = Matrices.requireFiniteMatrix("view1", view1, 2);
        Matrices.requireFiniteMatrix("view2", view2, 2);
        Matrices.requireSameShape("view1", view1, "view2", view2);
        requireInputWidth(width);
        int n = view1.length;

        ENGINE_LOCK.lock();
        try (NDManager stepManager = manager.newSubManager()) {
            NDArray input = stage(stepManager, n, view1, view2);
            LossTerms loss;
            float[] representations;
            float[][] projectionStd;
            String notFinite;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray representation =
                        model.encoder()
                                .forward(parameterStore, new NDList(input), true)
                                .singletonOrThrow();
                NDArray projection =
                        model.projector()
                                .forward(parameterStore, new NDList(representation), true)
                                .singletonOrThrow();
                // Rows 0..n-1 are the first views, rows n..2n-1 the second: [2, n, d] without a
                // copy.
                NDArray views = projection.reshape(2, n, projection.getShape().get(1));
                LossBreakdown terms = VicregLoss.breakdownOfViews(views, config.lossWeights());
                loss = terms.toLossTerms();
                representations = representation.toFloatArray();
                projectionStd =
                        new float[][] {
                            terms.stdZ().toFloatArray(), terms.stdZPrime().toFloatArray()
                        };
                notFinite = notFiniteReason(loss, representations, projectionStd);
                if (notFinite == null) {
                    collector.backward(terms.total());
                }
            }
            int h = config.spec().hiddenSize();
            float[][] reps1 = Matrices.rows(representations, 0, n, h);
            float[][] reps2 = Matrices.rows(representations, n, n, h);
            if (notFinite != null) {
                return new StepResult(
                        step, false, notFinite, loss, Double.NaN, projectionStd, reps1, reps2);
            }
            List<NDArray> gradients = gradients(stepManager);
            double gradientNorm = globalNorm(gradients);
            String skipReason = null;
            if (Double.isFinite(gradientNorm)) {
                applyUpdate(stepManager, gradients);
                step++;
            } else {
                skipReason = "non-finite gradient norm " + gradientNorm;
            }
            zeroGradients();
            return new StepResult(
                    step,
                    skipReason == null,
                    skipReason,
                    loss,
                    gradientNorm,
                    projectionStd,
                    reps1,
                    reps2);
        } finally {
            ENGINE_LOCK.unlock();
        }
    }

    /**
     * Why the step's forward pass is unfit to learn from, or null: a non-finite loss, or finite
     * loss over statistics that are not (extreme inputs can overflow inside the network while the
     * loss still adds up), which would poison the optimizer state and every later step.
     */
    private static String notFiniteReason(
            LossTerms loss, float[] representations, float[][] projectionStd) {
        if (!loss.isFinite()) {
            return "non-finite loss " + loss.total();
        }
        if (!Matrices.allFinite(representations)) {
            return "non-finite representations";
        }
        if (!Matrices.allFinite(projectionStd[0]) || !Matrices.allFinite(projectionStd[1])) {
            return "non-finite projection std";
        }
        return null;
    }

    /**
     * The representations (encoder outputs) of samples with the current weights.
     *
     * @param samples {@code [n][encoderDim]}, n ≥ 1, finite
     * @return {@code [n][hiddenSize]}
     * @throws IllegalArgumentException if the samples are null, empty, ragged, non-finite or of the
     *     wrong width
     */
    public float[][] embed(float[][] samples) {
        requireOpen();
        int width = Matrices.requireFiniteMatrix("samples", samples, 1);
        requireInputWidth(width);
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager scope = manager.newSubManager()) {
            JniUtils.setGradMode(false);
            NDArray input = stage(scope, samples.length, samples);
            NDArray representation =
                    model.encoder()
                            .forward(parameterStore, new NDList(input), false)
                            .singletonOrThrow();
            return Matrices.rows(
                    representation.toFloatArray(), 0, samples.length, config.spec().hiddenSize());
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Captures the whole training state — configuration, step, parameters and optimizer state — as
     * one versioned binary record with a checksum.
     *
     * @return the checkpoint
     */
    public byte[] checkpoint() {
        requireOpen();
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
        return CheckpointCodec.encode(config, step, optimizer.updates(), tensors);
    }

    /**
     * The model's step counter: how many updates have been applied.
     *
     * @return the step
     */
    public long step() {
        return step;
    }

    /**
     * What this trainer computes.
     *
     * @return its configuration
     */
    public TrainerConfig config() {
        return config;
    }

    /**
     * The model's dimensions.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return config.spec();
    }

    /**
     * Where this trainer runs.
     *
     * @return the device
     */
    public Device device() {
        return device;
    }

    /**
     * The network, for callers that need it as a DJL block (its arrays belong to this trainer).
     *
     * @return the model
     */
    public VicregBlock model() {
        return model;
    }

    /** Releases the model, optimizer state and native memory. Safe to call twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    /** How many arrays the trainer's own manager holds; flat across steps when nothing leaks. */
    int managedArrayCount() {
        return manager.getManagedArrays().size();
    }

    private void load(CheckpointCodec.Decoded decoded) {
        List<CheckpointCodec.Tensor> tensors = decoded.tensors();
        if (tensors.size() != parameters.size()) {
            throw new InvalidCheckpointException(
                    "it holds "
                            + tensors.size()
                            + " parameters, the model has "
                            + parameters.size());
        }
        int slotsPerParameter = optimizer.slotsPerParameter();
        // Check everything before changing anything, so a bad checkpoint leaves nothing
        // half-loaded.
        for (int i = 0; i < tensors.size(); i++) {
            CheckpointCodec.Tensor tensor = tensors.get(i);
            Pair<String, Parameter> p = parameters.get(i);
            Shape expected = p.getValue().getArray().getShape();
            if (!tensor.name().equals(p.getKey()) || !expected.equals(new Shape(tensor.shape()))) {
                throw new InvalidCheckpointException(
                        "parameter "
                                + i
                                + " is "
                                + tensor.name()
                                + " of shape "
                                + new Shape(tensor.shape())
                                + ", the model expects "
                                + p.getKey()
                                + " of shape "
                                + expected);
            }
            if (tensor.slots().length != slotsPerParameter) {
                throw new InvalidCheckpointException(
                        "parameter "
                                + tensor.name()
                                + " has "
                                + tensor.slots().length
                                + " optimizer slots, "
                                + config.optimizer().kind()
                                + " keeps "
                                + slotsPerParameter);
            }
        }
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(false);
            for (int i = 0; i < tensors.size(); i++) {
                CheckpointCodec.Tensor tensor = tensors.get(i);
                NDArray weight = parameters.get(i).getValue().getArray();
                weight.set(tensor.values());
                NDArray[] slots = optimizer.slotsOf(tensor.name(), weight);
                for (int s = 0; s < slots.length; s++) {
                    slots[s].set(tensor.slots()[s]);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        optimizer.restoreUpdates(decoded.optimizerUpdates());
        step = decoded.step();
    }

    /** Copies the rows of the matrices, one after the other, into one array on the device. */
    private NDArray stage(NDManager target, int rows, float[][]... matrices) {
        int width = config.spec().encoderDim();
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

    private void applyUpdate(NDManager stepManager, List<NDArray> gradients) {
        optimizer.beginUpdate();
        boolean gradMode = JniUtils.isGradMode();
        try {
            // The optimizer writes through views of the parameters; no autograd history for them.
            JniUtils.setGradMode(false);
            for (int i = 0; i < parameters.size(); i++) {
                Pair<String, Parameter> p = parameters.get(i);
                try (NDManager scope = stepManager.newSubManager()) {
                    optimizer.apply(p.getKey(), p.getValue().getArray(), gradients.get(i), scope);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Backward accumulates into the gradients; nothing else clears them. */
    private void zeroGradients() {
        for (Pair<String, Parameter> p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.getValue().getArray());
        }
    }

    private void requireInputWidth(int width) {
        if (width != config.spec().encoderDim()) {
            throw new IllegalArgumentException(
                    "samples must have "
                            + config.spec().encoderDim()
                            + " features (the model's input dimension). Got: "
                            + width);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this trainer is closed");
        }
    }

    /** Builds a fresh trainer; only the spec is required. */
    public static final class Builder {
        private final ModelSpec spec;
        private LossWeights lossWeights = LossWeights.defaults();
        private OptimizerConfig optimizer =
                OptimizerConfig.adam(OptimizerConfig.DEFAULT_ADAM_LEARNING_RATE);
        private long seed = TrainerConfig.DEFAULT_SEED;
        private DeviceChoice device = DeviceChoice.AUTO;

        private Builder(ModelSpec spec) {
            if (spec == null) {
                throw new IllegalArgumentException("spec must not be null");
            }
            this.spec = spec;
        }

        /**
         * Sets the loss weights (default: the paper's).
         *
         * @param weights the weights
         * @return this builder
         */
        public Builder optLossWeights(LossWeights weights) {
            this.lossWeights = weights;
            return this;
        }

        /**
         * Sets the optimizer (default: Adam, learning rate 1e-3).
         *
         * @param config the optimizer
         * @return this builder
         */
        public Builder optOptimizer(OptimizerConfig config) {
            this.optimizer = config;
            return this;
        }

        /**
         * Sets the seed of the initial weights (default {@value TrainerConfig#DEFAULT_SEED}).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the device (default {@code auto}).
         *
         * @param device the device choice
         * @return this builder
         */
        public Builder optDevice(DeviceChoice device) {
            if (device == null) {
                throw new IllegalArgumentException("device must not be null");
            }
            this.device = device;
            return this;
        }

        /**
         * Builds the trainer with freshly initialised weights.
         *
         * @return the trainer
         * @throws IllegalStateException if a GPU is asked for and there is none
         */
        public VicregTrainer build() {
            return new VicregTrainer(
                    new TrainerConfig(spec, lossWeights, optimizer, seed), device.resolve());
        }
    }
}
