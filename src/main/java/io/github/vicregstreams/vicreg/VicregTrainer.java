package io.github.vicregstreams.vicreg;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;

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
 *
 * <p>There are two ways to get one: {@link #create} for fresh weights and {@link #restore} for a
 * checkpoint's. {@link InferenceModel} is the encoder alone, for inference.
 */
public final class VicregTrainer implements AutoCloseable {

    private final TrainerConfig config;
    private final EncoderCore core;
    private final OptimizedParameters parameters;
    private long step;

    private VicregTrainer(TrainerConfig config, Device device) {
        this.config = config;
        this.core = EncoderCore.seeded(config.spec(), config.seed(), device, "trainer");
        this.parameters =
                new OptimizedParameters(core.parameters(), config.optimizer(), core.manager());
    }

    /**
     * A fresh trainer: weights drawn from the configuration's seed, step 0.
     *
     * @param config spec, loss weights, optimizer and seed; {@link TrainerConfig#defaults} and its
     *     {@code with} methods make one
     * @param device where to train
     * @return the trainer, at step 0
     * @throws IllegalStateException if a GPU is asked for and there is none
     */
    public static VicregTrainer create(TrainerConfig config, DeviceChoice device) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (device == null) {
            throw new IllegalArgumentException("device must not be null");
        }
        return new VicregTrainer(config, device.resolve());
    }

    /**
     * Restores a trainer from a checkpoint, refusing one made for another model spec.
     *
     * @param checkpoint the bytes of {@link #checkpoint()}
     * @param expectedSpec the spec the caller needs, or null to accept any
     * @param device where to run
     * @return a trainer with the checkpoint's configuration, weights, optimizer state and step
     * @throws InvalidCheckpointException if the checkpoint is truncated, corrupt, unknown or made
     *     for another spec; nothing is left half-loaded
     */
    public static VicregTrainer restore(
            byte[] checkpoint, ModelSpec expectedSpec, DeviceChoice device) {
        CheckpointCodec.Decoded decoded = CheckpointCodec.decode(checkpoint);
        TrainerConfig config = decoded.config();
        if (expectedSpec != null && !expectedSpec.equals(config.spec())) {
            throw InvalidCheckpointException.forOtherSpec(config.spec(), expectedSpec);
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
        core.requireOpen();
        int width = Matrices.requireFiniteMatrix("view1", view1, 2);
        Matrices.requireFiniteMatrix("view2", view2, 2);
        Matrices.requireSameShape("view1", view1, "view2", view2);
        core.requireInputWidth(width);
        int n = view1.length;

        Djl.ENGINE_LOCK.lock();
        try (NDManager stepManager = core.manager().newSubManager()) {
            NDArray input = core.stage(stepManager, n, view1, view2);
            LossTerms loss;
            float[] representations;
            float[][] projectionStd;
            String notFinite;
            try (GradientCollector collector = core.manager().getEngine().newGradientCollector()) {
                NDArray representation = core.encode(input, true);
                NDArray projection = core.project(representation, true);
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
            double gradientNorm = parameters.applyGradients(stepManager);
            String skipReason = null;
            if (Double.isFinite(gradientNorm)) {
                step++;
            } else {
                skipReason = "non-finite gradient norm " + gradientNorm;
            }
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
            Djl.ENGINE_LOCK.unlock();
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
        return core.embed(samples);
    }

    /**
     * Captures the whole training state — configuration, step, parameters and optimizer state — as
     * one versioned binary record with a checksum.
     *
     * @return the checkpoint
     */
    public byte[] checkpoint() {
        core.requireOpen();
        return CheckpointCodec.encode(config, step, parameters.updates(), parameters.toTensors());
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
        return core.device();
    }

    /**
     * The network, for callers that need it as a DJL block (its arrays belong to this trainer).
     *
     * @return the model
     */
    public VicregBlock model() {
        return core.model();
    }

    /** Releases the model, optimizer state and native memory. Safe to call twice. */
    @Override
    public void close() {
        core.close();
    }

    /** How many arrays the trainer's own manager holds; flat across steps when nothing leaks. */
    int managedArrayCount() {
        return core.managedArrayCount();
    }

    /**
     * Checks everything before changing anything, so a bad checkpoint leaves nothing half-loaded.
     */
    private void load(CheckpointCodec.Decoded decoded) {
        List<CheckpointCodec.Tensor> tensors = decoded.tensors();
        core.requireMatching(tensors);
        parameters.requireSlots(tensors);
        core.copyWeights(tensors);
        parameters.restoreSlots(tensors, decoded.optimizerUpdates());
        step = decoded.step();
    }
}
