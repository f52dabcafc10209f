package io.github.vicregstreams.eval;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Scores a checkpoint's representations on a labelled dataset, beside two baselines: the raw
 * features, and an untrained encoder of the same spec and seed (what the learner started from).
 *
 * <p>For each of the three, a {@link LinearProbe} is fitted on the training split with all its
 * labels and with a fixed, seeded subset of {@link Builder#optLabelledSubset} labels, and a {@link
 * KnnClassifier} votes with all training labels; each is scored on the test split.
 *
 * <pre>{@code
 * EvaluationReport report = Evaluation.builder().build().evaluate(checkpoint, train, test);
 * System.out.println(report.format());
 * }</pre>
 */
public final class Evaluation {

    /** Default size of the labelled subset. */
    public static final int DEFAULT_LABELLED_SUBSET = 1_000;

    /** Rows embedded at a time. */
    static final int EMBED_CHUNK = 1_024;

    private final LinearProbe probe;
    private final KnnClassifier knn;
    private final int labelledSubset;
    private final long subsetSeed;
    private final Consumer<String> progress;

    private Evaluation(Builder builder) {
        this.probe = builder.probe;
        this.knn = new KnnClassifier(builder.k);
        this.labelledSubset = builder.labelledSubset;
        this.subsetSeed = builder.subsetSeed;
        this.progress = builder.progress;
    }

    /**
     * Starts a builder with the defaults: a default {@link LinearProbe}, k = {@value
     * KnnClassifier#DEFAULT_K}, a subset of {@value #DEFAULT_LABELLED_SUBSET} labels.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Evaluates the raw features, the untrained encoder and the checkpoint's encoder.
     *
     * @param checkpoint the bytes of a {@link VicregTrainer#checkpoint()}
     * @param train the labelled rows the probes and kNN learn from
     * @param test the labelled rows they are scored on
     * @return the report
     * @throws io.github.vicregstreams.vicreg.InvalidCheckpointException if the checkpoint is
     *     corrupt
     * @throws IllegalArgumentException if a split has no labels or rows of another width than the
     *     model's input
     */
    public EvaluationReport evaluate(byte[] checkpoint, Dataset train, Dataset test) {
        Objects.requireNonNull(checkpoint, "checkpoint must not be null");
        CheckpointInfo info = CheckpointInfo.of(checkpoint);
        TrainerConfig config = info.config();
        requireFits(train, config);
        requireFits(test, config);
        long started = System.nanoTime();
        int[] subset = labelledSubset(train.rows());
        List<EvaluationReport.Row> rows = new ArrayList<>();
        float[][] trainX = train.featureMatrix();
        float[][] testX = test.featureMatrix();
        rows.add(score("raw features", trainX, testX, train, test, subset));
        try (VicregTrainer untrained = VicregTrainer.create(config, DeviceChoice.CPU)) {
            rows.add(
                    score(
                            "untrained encoder (seed " + config.seed() + ")",
                            embed(untrained, trainX),
                            embed(untrained, testX),
                            train,
                            test,
                            subset));
        }
        try (VicregTrainer learned = VicregTrainer.restore(checkpoint, null, DeviceChoice.CPU)) {
            rows.add(
                    score(
                            "learned encoder (step " + info.step() + ")",
                            embed(learned, trainX),
                            embed(learned, testX),
                            train,
                            test,
                            subset));
        }
        return new EvaluationReport(
                info,
                train.name(),
                train.rows(),
                test.name(),
                test.rows(),
                subset.length,
                knn.k(),
                rows,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The representations of rows, computed {@value #EMBED_CHUNK} rows at a time.
     *
     * @param trainer the encoder
     * @param rows rows of the model's input width
     * @return one representation per row
     */
    public static float[][] embed(VicregTrainer trainer, float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int start = 0; start < rows.length; start += EMBED_CHUNK) {
            int end = Math.min(rows.length, start + EMBED_CHUNK);
            float[][] chunk = trainer.embed(Arrays.copyOfRange(rows, start, end));
            System.arraycopy(chunk, 0, out, start, chunk.length);
        }
        return out;
    }

    private EvaluationReport.Row score(
            String name,
            float[][] trainX,
            float[][] testX,
            Dataset train,
            Dataset test,
            int[] subset) {
        int[] trainY = train.labels().orElseThrow();
        int[] testY = test.labels().orElseThrow();
        long started = System.nanoTime();
        progress.accept("probing " + name + " (all " + trainX.length + " labels)");
        double all = probe.fit(trainX, trainY).accuracy(testX, testY);
        float[][] subsetX = new float[subset.length][];
        int[] subsetY = new int[subset.length];
        for (int i = 0; i < subset.length; i++) {
            subsetX[i] = trainX[subset[i]];
            subsetY[i] = trainY[subset[i]];
        }
        progress.accept("probing " + name + " (" + subset.length + " labels)");
        double few = probe.fit(subsetX, subsetY).accuracy(testX, testY);
        progress.accept("kNN on " + name);
        double neighbours = knn.accuracy(trainX, trainY, testX, testY);
        return new EvaluationReport.Row(
                name,
                trainX[0].length,
                all,
                few,
                neighbours,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** A fixed subset of the training rows: the first rows of a seeded shuffle, in row order. */
    private int[] labelledSubset(int rows) {
        int size = Math.min(labelledSubset, rows);
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(subsetSeed);
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(rows - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int[] subset = Arrays.copyOf(order, size);
        Arrays.sort(subset);
        return subset;
    }

    private static void requireFits(Dataset dataset, TrainerConfig config) {
        if (!dataset.hasLabels()) {
            throw new IllegalArgumentException(
                    "Dataset " + dataset.name() + " has no labels; evaluation needs labelled data");
        }
        if (dataset.featureDim() != config.spec().encoderDim()) {
            throw new IllegalArgumentException(
                    "Dataset "
                            + dataset.name()
                            + " has "
                            + dataset.featureDim()
                            + " features per row, but the checkpoint's model "
                            + config.spec()
                            + " takes "
                            + config.spec().encoderDim());
        }
    }

    /** Settings of an {@link Evaluation}. */
    public static final class Builder {
        private LinearProbe probe = LinearProbe.builder().build();
        private int k = KnnClassifier.DEFAULT_K;
        private int labelledSubset = DEFAULT_LABELLED_SUBSET;
        private long subsetSeed = LinearProbe.DEFAULT_SEED;
        private Consumer<String> progress = message -> {};

        private Builder() {}

        /**
         * The probe (default: {@link LinearProbe#builder()}'s defaults).
         *
         * @param probe the probe
         * @return this builder
         */
        public Builder optProbe(LinearProbe probe) {
            this.probe = Objects.requireNonNull(probe, "probe must not be null");
            return this;
        }

        /**
         * The number of neighbours of kNN (default {@value KnnClassifier#DEFAULT_K}).
         *
         * @param k at least 1
         * @return this builder
         */
        public Builder optK(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1. Got: " + k);
            }
            this.k = k;
            return this;
        }

        /**
         * The size of the labelled subset (default {@value #DEFAULT_LABELLED_SUBSET}).
         *
         * @param labelledSubset at least 1; all rows when the split has fewer
         * @return this builder
         */
        public Builder optLabelledSubset(int labelledSubset) {
            if (labelledSubset < 1) {
                throw new IllegalArgumentException(
                        "labelledSubset must be at least 1. Got: " + labelledSubset);
            }
            this.labelledSubset = labelledSubset;
            return this;
        }

        /**
         * The seed that picks the labelled subset.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder optSubsetSeed(long seed) {
            this.subsetSeed = seed;
            return this;
        }

        /**
         * Where to report what is being computed (default: nowhere).
         *
         * @param progress receives one short line per stage
         * @return this builder
         */
        public Builder optProgress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress must not be null");
            return this;
        }

        /**
         * Builds the evaluation.
         *
         * @return the evaluation
         */
        public Evaluation build() {
            return new Evaluation(this);
        }
    }
}
