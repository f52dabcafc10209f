package io.github.vicregstreams.data;

import java.util.SplittableRandom;

/**
 * Generates a labelled dataset of known structure: {@code classes} clusters in a small latent
 * space, mapped into {@code featureDim} dimensions and blurred with noise.
 *
 * <p>Each sample draws its class (classes are balanced), a latent point around that class's centre,
 * maps it with a fixed random linear map followed by {@code tanh} (or not), and adds Gaussian
 * noise: \( x = \tanh(W(c_y + s\,\epsilon) + b) + \sigma\,\eta \). The classes are therefore
 * separable by a nonlinear function of the features, which is what a representation should recover.
 * The same settings and seed always give the same data.
 *
 * <p>The demo uses it when Fashion-MNIST is not installed; tests use it as a small, structured
 * input.
 */
public final class SyntheticDataset {

    /** Default number of samples. */
    public static final int DEFAULT_ROWS = 2_000;

    /** Default number of classes. */
    public static final int DEFAULT_CLASSES = 10;

    /** Default dimension of the latent space the clusters live in. */
    public static final int DEFAULT_LATENT_DIM = 8;

    /** Default number of features per sample. */
    public static final int DEFAULT_FEATURE_DIM = 64;

    /** Default standard deviation of the noise added to every feature. */
    public static final float DEFAULT_NOISE = 0.05f;

    /** Default standard deviation of a sample's latent point around its class centre. */
    public static final float DEFAULT_CLASS_SPREAD = 0.35f;

    /** Default seed. */
    public static final long DEFAULT_SEED = 42L;

    private SyntheticDataset() {}

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a synthetic dataset. */
    public static final class Builder {

        private int rows = DEFAULT_ROWS;
        private int classes = DEFAULT_CLASSES;
        private int latentDim = DEFAULT_LATENT_DIM;
        private int featureDim = DEFAULT_FEATURE_DIM;
        private float noise = DEFAULT_NOISE;
        private float classSpread = DEFAULT_CLASS_SPREAD;
        private boolean nonlinear = true;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /**
         * The number of samples (default {@value #DEFAULT_ROWS}).
         *
         * @param rows at least 1
         * @return this builder
         */
        public Builder optRows(int rows) {
            this.rows = rows;
            return this;
        }

        /**
         * The number of classes (default {@value #DEFAULT_CLASSES}).
         *
         * @param classes at least 1
         * @return this builder
         */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /**
         * The dimension of the latent space (default {@value #DEFAULT_LATENT_DIM}).
         *
         * @param latentDim at least 1
         * @return this builder
         */
        public Builder optLatentDim(int latentDim) {
            this.latentDim = latentDim;
            return this;
        }

        /**
         * The number of features per sample (default {@value #DEFAULT_FEATURE_DIM}).
         *
         * @param featureDim at least 1
         * @return this builder
         */
        public Builder optFeatureDim(int featureDim) {
            this.featureDim = featureDim;
            return this;
        }

        /**
         * The standard deviation of the feature noise (default {@value #DEFAULT_NOISE}).
         *
         * @param noise 0 or more
         * @return this builder
         */
        public Builder optNoise(float noise) {
            this.noise = noise;
            return this;
        }

        /**
         * The standard deviation of latent points around their class centre, which are themselves
         * standard normal (default {@value #DEFAULT_CLASS_SPREAD}).
         *
         * @param classSpread 0 or more; larger values make the classes overlap
         * @return this builder
         */
        public Builder optClassSpread(float classSpread) {
            this.classSpread = classSpread;
            return this;
        }

        /**
         * Whether the map into feature space ends with {@code tanh} (default true) or is linear.
         *
         * @param nonlinear true for {@code tanh}
         * @return this builder
         */
        public Builder optNonlinear(boolean nonlinear) {
            this.nonlinear = nonlinear;
            return this;
        }

        /**
         * The seed (default {@value #DEFAULT_SEED}).
         *
         * @param seed any value
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Generates the dataset, named e.g. {@code synthetic-10c-64d-seed42}.
         *
         * @return a labelled dataset with labels 0 to {@code classes - 1}, balanced to within one
         * @throws IllegalArgumentException if a setting is out of range
         */
        public Dataset generate() {
            requireAtLeast("rows", rows, 1);
            requireAtLeast("classes", classes, 1);
            requireAtLeast("latentDim", latentDim, 1);
            requireAtLeast("featureDim", featureDim, 1);
            requireNonNegative("noise", noise);
            requireNonNegative("classSpread", classSpread);
            SplittableRandom rng = new SplittableRandom(seed);
            double[][] centres = gaussianMatrix(rng, classes, latentDim, 1.0);
            // Scaled by 1/sqrt(latentDim) so that W z has unit variance per feature and tanh stays
            // in its curved but not saturated range.
            double[][] weights =
                    gaussianMatrix(rng, featureDim, latentDim, 1.0 / Math.sqrt(latentDim));
            double[] bias = gaussianMatrix(rng, 1, featureDim, 0.1)[0];
            int[] labels = balancedLabels(rng);
            float[][] features = new float[rows][featureDim];
            double[] latent = new double[latentDim];
            for (int i = 0; i < rows; i++) {
                double[] centre = centres[labels[i]];
                for (int d = 0; d < latentDim; d++) {
                    latent[d] = centre[d] + classSpread * rng.nextGaussian();
                }
                for (int f = 0; f < featureDim; f++) {
                    double h = bias[f];
                    for (int d = 0; d < latentDim; d++) {
                        h += weights[f][d] * latent[d];
                    }
                    double x = nonlinear ? Math.tanh(h) : h;
                    features[i][f] = (float) (x + noise * rng.nextGaussian());
                }
            }
            String name = "synthetic-" + classes + "c-" + featureDim + "d-seed" + seed;
            return Dataset.owning(name, features, labels, null);
        }

        /**
         * Labels i mod classes, shuffled, so every class has rows/classes samples, give or take 1.
         */
        private int[] balancedLabels(SplittableRandom rng) {
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = i % classes;
            }
            for (int i = rows - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int swap = labels[i];
                labels[i] = labels[j];
                labels[j] = swap;
            }
            return labels;
        }

        private static double[][] gaussianMatrix(
                SplittableRandom rng, int rows, int columns, double scale) {
            double[][] matrix = new double[rows][columns];
            for (double[] row : matrix) {
                for (int j = 0; j < columns; j++) {
                    row[j] = scale * rng.nextGaussian();
                }
            }
            return matrix;
        }

        private static void requireAtLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(
                        name + " must be at least " + min + ". Got: " + value);
            }
        }

        private static void requireNonNegative(String name, float value) {
            if (!(value >= 0f) || Float.isInfinite(value)) {
                throw new IllegalArgumentException(
                        name + " must be a finite number of at least 0. Got: " + value);
            }
        }

        @Override
        public String toString() {
            return "SyntheticDataset.Builder[rows="
                    + rows
                    + ", classes="
                    + classes
                    + ", latentDim="
                    + latentDim
                    + ", featureDim="
                    + featureDim
                    + ", noise="
                    + noise
                    + ", classSpread="
                    + classSpread
                    + ", nonlinear="
                    + nonlinear
                    + ", seed="
                    + seed
                    + "]";
        }
    }
}
