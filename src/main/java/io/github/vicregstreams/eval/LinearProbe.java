package io.github.vicregstreams.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.FusedAdam;
import java.util.SplittableRandom;

/**
 * A linear probe: multinomial logistic regression on standardized features, trained with mini-batch
 * Adam, the usual way to measure how linearly separable a representation's classes are.
 *
 * <p>Features are standardized with the training rows' mean and standard deviation. Weights start
 * at zero; the rows are shuffled every epoch by a generator seeded with {@link Builder#optSeed}, so
 * the same data and settings give the same probe (on the same thread count). Gradients are written
 * out, not recorded: the probe never opens a gradient collector, so it can run while a trainer
 * trains in the same process.
 *
 * <pre>{@code
 * double accuracy = LinearProbe.builder().optEpochs(150).build()
 *     .fit(trainX, trainY).accuracy(testX, testY);
 * }</pre>
 */
public final class LinearProbe {

    /** Default number of passes over the training rows. */
    public static final int DEFAULT_EPOCHS = 150;

    /** Default rows per update. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    /** Default Adam step size. */
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;

    /** Default shuffling seed. */
    public static final long DEFAULT_SEED = 0L;

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float ADAM_EPSILON = 1e-8f;
    private static final float NO_WEIGHT_DECAY = 0f;

    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final long seed;

    private LinearProbe(Builder builder) {
        this.epochs = builder.epochs;
        this.batchSize = builder.batchSize;
        this.learningRate = builder.learningRate;
        this.seed = builder.seed;
    }

    /**
     * Starts a builder with the defaults: {@value #DEFAULT_EPOCHS} epochs, batch {@value
     * #DEFAULT_BATCH_SIZE}, learning rate 1e-3, seed {@value #DEFAULT_SEED}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains a probe.
     *
     * @param x the training rows, all of one width
     * @param y one label per row, 0 to classes − 1
     * @return the fitted probe
     * @throws IllegalArgumentException if the rows are empty or ragged, or labels do not match
     */
    public Fitted fit(float[][] x, int[] y) {
        int d = Features.requireLabelled("training set", x, y);
        int n = x.length;
        int classes = Math.max(2, Features.classCount(y));
        double[][] moments = Features.moments(x);
        Djl.disableGradientsOnThisThread();
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            NDArray features = Features.stage(manager, x, moments);
            NDArray oneHot = manager.create(y).oneHot(classes, DataType.FLOAT32);
            NDArray w = manager.zeros(new ai.djl.ndarray.types.Shape(d, classes));
            NDArray b = manager.zeros(new ai.djl.ndarray.types.Shape(classes));
            NDArray mW = w.zerosLike();
            NDArray vW = w.zerosLike();
            NDArray mB = b.zerosLike();
            NDArray vB = b.zerosLike();
            FusedAdam.Settings adam =
                    new FusedAdam.Settings(
                            learningRate, BETA1, BETA2, ADAM_EPSILON, NO_WEIGHT_DECAY);
            SplittableRandom rng = new SplittableRandom(seed);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            long t = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                shuffle(order, rng);
                try (NDManager epochScope = manager.newSubManager()) {
                    NDArray index = epochScope.create(order);
                    // The shuffled copies belong to the source's manager: move them to the epoch's,
                    // or every
                    // epoch would keep a copy of the whole training set until the probe ends.
                    NDArray xs = features.get(new NDIndex("{}", index));
                    NDArray ys = oneHot.get(new NDIndex("{}", index));
                    xs.attach(epochScope);
                    ys.attach(epochScope);
                    for (int start = 0; start < n; start += batchSize) {
                        int end = Math.min(n, start + batchSize);
                        t++;
                        try (NDManager step = epochScope.newSubManager()) {
                            NDArray xb = xs.get(new NDIndex("{}:{}", start, end));
                            NDArray yb = ys.get(new NDIndex("{}:{}", start, end));
                            // Every result of the step attaches to it; the weights and moments go
                            // back after.
                            step.tempAttachAll(xb, yb, w, b, mW, vW, mB, vB);
                            NDArray gradient = xb.dot(w).addi(b).softmax(1).subi(yb);
                            float scale = 1f / (end - start);
                            NDArray gW = xb.transpose().dot(gradient).muli(scale);
                            NDArray gB = gradient.sum(new int[] {0}).muli(scale);
                            FusedAdam.update(w, gW, mW, vW, adam, t);
                            FusedAdam.update(b, gB, mB, vB, adam, t);
                        }
                    }
                }
            }
            return new Fitted(d, classes, moments, w.toFloatArray(), b.toFloatArray());
        }
    }

    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    @Override
    public String toString() {
        return "LinearProbe[epochs="
                + epochs
                + ", batchSize="
                + batchSize
                + ", learningRate="
                + learningRate
                + ", seed="
                + seed
                + "]";
    }

    /** A trained probe: standardization and the weights of one linear layer with softmax. */
    public static final class Fitted {
        private final int inputDim;
        private final int classes;
        private final double[][] moments;
        private final float[] weights;
        private final float[] bias;

        private Fitted(
                int inputDim, int classes, double[][] moments, float[] weights, float[] bias) {
            this.inputDim = inputDim;
            this.classes = classes;
            this.moments = moments;
            this.weights = weights;
            this.bias = bias;
        }

        /**
         * The most likely class of each row.
         *
         * @param x rows of the training width
         * @return one class per row
         * @throws IllegalArgumentException if the rows are empty, ragged or of another width
         */
        public int[] predict(float[][] x) {
            int d = Features.requireMatrix("rows", x);
            if (d != inputDim) {
                throw new IllegalArgumentException(
                        "rows must have "
                                + inputDim
                                + " features, as the training rows. Got: "
                                + d);
            }
            int[] predicted = new int[x.length];
            double[] logits = new double[classes];
            double[] initial = toDoubles(bias);
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(initial, 0, logits, 0, classes);
                for (int j = 0; j < d; j++) {
                    double value = (x[i][j] - moments[0][j]) / moments[1][j];
                    int offset = j * classes;
                    for (int c = 0; c < classes; c++) {
                        logits[c] += value * weights[offset + c];
                    }
                }
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (logits[c] > logits[best]) {
                        best = c;
                    }
                }
                predicted[i] = best;
            }
            return predicted;
        }

        /**
         * The share of rows whose predicted class is their label.
         *
         * @param x rows of the training width
         * @param y one label per row
         * @return the accuracy, 0 to 1
         */
        public double accuracy(float[][] x, int[] y) {
            Features.requireLabelled("test set", x, y);
            return Features.accuracy(predict(x), y);
        }

        private static double[] toDoubles(float[] values) {
            double[] out = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i];
            }
            return out;
        }
    }

    /** Settings of a {@link LinearProbe}. */
    public static final class Builder {
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private float learningRate = DEFAULT_LEARNING_RATE;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /**
         * Passes over the training rows.
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1. Got: " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Rows per update.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException(
                        "batchSize must be at least 1. Got: " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Adam's step size.
         *
         * @param learningRate positive and finite
         * @return this builder
         */
        public Builder optLearningRate(float learningRate) {
            if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException(
                        "learningRate must be positive and finite. Got: " + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        /**
         * The seed of the epoch shuffles.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the probe.
         *
         * @return the probe, untrained
         */
        public LinearProbe build() {
            return new LinearProbe(this);
        }
    }
}
