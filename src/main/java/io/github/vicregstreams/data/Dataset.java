package io.github.vicregstreams.data;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of samples held in memory: one feature vector per row, all of the same length, with an
 * optional integer label per row and, for image data, the image shape of a row.
 *
 * <p>Immutable: rows and labels are copied in (by {@link #of}) and out. Labels are for evaluation
 * (linear probe, kNN); the learner itself never sees them.
 */
public final class Dataset {

    private final String name;
    private final float[][] features;
    private final int[] labels;
    private final ImageShape imageShape;

    private Dataset(String name, float[][] features, int[] labels, ImageShape imageShape) {
        this.name = name;
        this.features = features;
        this.labels = labels;
        this.imageShape = imageShape;
    }

    /**
     * Creates a dataset from copies of the given arrays.
     *
     * @param name a short description, e.g. {@code fashion-mnist-train}
     * @param features one row per sample, at least one row, all rows of the same non-zero length
     * @param labels one label per row, or null when the data has none
     * @param imageShape the shape of each row as an image, or null when rows are not images
     * @return the dataset
     * @throws IllegalArgumentException if the rows are ragged, the labels do not match the rows in
     *     number, or the image shape does not match the row length
     */
    public static Dataset of(String name, float[][] features, int[] labels, ImageShape imageShape) {
        Objects.requireNonNull(features, "features must not be null");
        float[][] rows = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            rows[i] =
                    Objects.requireNonNull(features[i], "features row " + i + " must not be null")
                            .clone();
        }
        return owning(name, rows, labels == null ? null : labels.clone(), imageShape);
    }

    /** Wraps arrays this package built and hands over, without copying them. */
    static Dataset owning(String name, float[][] features, int[] labels, ImageShape imageShape) {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(features, "features must not be null");
        if (features.length == 0) {
            throw new IllegalArgumentException(
                    "Dataset " + name + " must have at least one row. Got: 0");
        }
        int dim = features[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException(
                    "Dataset " + name + " rows must have at least one feature");
        }
        for (int i = 1; i < features.length; i++) {
            if (features[i].length != dim) {
                throw new IllegalArgumentException(
                        "Dataset "
                                + name
                                + " rows must all have "
                                + dim
                                + " features (as row 0). Row "
                                + i
                                + " has: "
                                + features[i].length);
            }
        }
        if (labels != null && labels.length != features.length) {
            throw new IllegalArgumentException(
                    "Dataset "
                            + name
                            + " must have one label per row: "
                            + features.length
                            + " rows. Got labels: "
                            + labels.length);
        }
        if (imageShape != null && imageShape.pixels() != dim) {
            throw new IllegalArgumentException(
                    "Dataset "
                            + name
                            + " image shape "
                            + imageShape
                            + " needs "
                            + imageShape.pixels()
                            + " features per row. Got: "
                            + dim);
        }
        return new Dataset(name, features, labels, imageShape);
    }

    /**
     * A short description of where the data came from.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The number of samples.
     *
     * @return the row count, at least 1
     */
    public int rows() {
        return features.length;
    }

    /**
     * The length of every feature vector.
     *
     * @return the feature count per row, at least 1
     */
    public int featureDim() {
        return features[0].length;
    }

    /**
     * A copy of one row's features.
     *
     * @param row 0 to {@code rows() - 1}
     * @return a new array of {@link #featureDim()} values
     * @throws IndexOutOfBoundsException if the row does not exist
     */
    public float[] features(int row) {
        return features[Objects.checkIndex(row, features.length)].clone();
    }

    /**
     * Whether each row has a label.
     *
     * @return true if {@link #label(int)} may be called
     */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * The label of one row.
     *
     * @param row 0 to {@code rows() - 1}
     * @return the label
     * @throws IllegalStateException if the dataset has no labels
     * @throws IndexOutOfBoundsException if the row does not exist
     */
    public int label(int row) {
        if (labels == null) {
            throw new IllegalStateException("Dataset " + name + " has no labels");
        }
        return labels[Objects.checkIndex(row, labels.length)];
    }

    /**
     * A copy of all labels, when there are any.
     *
     * @return the labels, one per row, or empty
     */
    public Optional<int[]> labels() {
        return labels == null ? Optional.empty() : Optional.of(labels.clone());
    }

    /**
     * The number of distinct labels.
     *
     * @return the count of distinct values in the labels, 0 without labels
     */
    public int distinctLabels() {
        return labels == null ? 0 : (int) Arrays.stream(labels).distinct().count();
    }

    /**
     * The shape of each row as an image, for image data.
     *
     * @return the shape, or empty when rows are plain feature vectors
     */
    public Optional<ImageShape> imageShape() {
        return Optional.ofNullable(imageShape);
    }

    /**
     * The first {@code n} rows (all of them when there are fewer), e.g. for a quick demo.
     *
     * @param n at least 1
     * @return a dataset of {@code min(n, rows())} rows
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public Dataset head(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1. Got: " + n);
        }
        int count = Math.min(n, rows());
        if (count == rows()) {
            return this;
        }
        // Rows are never mutated in place, so the new dataset may share them.
        return new Dataset(
                name + "-head" + count,
                Arrays.copyOf(features, count),
                labels == null ? null : Arrays.copyOf(labels, count),
                imageShape);
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} (exclusive), e.g. to split one generated dataset
     * into a training and a test part.
     *
     * @param from the first row
     * @param to one past the last row, greater than {@code from}
     * @return a dataset of {@code to - from} rows, named e.g. {@code synthetic-rows100-200}
     * @throws IndexOutOfBoundsException if the range is not within the rows or is empty
     */
    public Dataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, rows());
        if (to == from) {
            throw new IndexOutOfBoundsException(
                    "A slice needs at least one row. Got: [" + from + ", " + to + ")");
        }
        if (from == 0 && to == rows()) {
            return this;
        }
        return new Dataset(
                name + "-rows" + from + "-" + to,
                Arrays.copyOfRange(features, from, to),
                labels == null ? null : Arrays.copyOfRange(labels, from, to),
                imageShape);
    }

    /**
     * The same rows, class by class: every row of the smallest label first, and so on, each class
     * in its rows' order here — a stream that is not shuffled, as real streams are not.
     *
     * @return a dataset named e.g. {@code fashion-mnist-train-by-label}
     * @throws IllegalStateException if the dataset has no labels
     */
    public Dataset sortedByLabel() {
        if (labels == null) {
            throw new IllegalStateException(
                    "Sorting by label needs labelled data: " + name + " has no labels");
        }
        Integer[] order = new Integer[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(row -> labels[row])); // stable: a merge sort
        float[][] rows = new float[order.length][];
        int[] sortedLabels = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            rows[i] = features[order[i]];
            sortedLabels[i] = labels[order[i]];
        }
        return new Dataset(name + "-by-label", rows, sortedLabels, imageShape);
    }

    /**
     * The given rows, in the given order, e.g. a seeded subset of labelled samples.
     *
     * @param rowIndices at least one row index; indices may repeat
     * @return a dataset of {@code rowIndices.length} rows
     * @throws IndexOutOfBoundsException if an index is not a row
     * @throws IllegalArgumentException if no index is given
     */
    public Dataset subset(int[] rowIndices) {
        Objects.requireNonNull(rowIndices, "rowIndices must not be null");
        if (rowIndices.length == 0) {
            throw new IllegalArgumentException("A subset needs at least one row. Got: 0");
        }
        float[][] rows = new float[rowIndices.length][];
        int[] subsetLabels = labels == null ? null : new int[rowIndices.length];
        for (int i = 0; i < rowIndices.length; i++) {
            int row = Objects.checkIndex(rowIndices[i], features.length);
            rows[i] = features[row];
            if (subsetLabels != null) {
                subsetLabels[i] = labels[row];
            }
        }
        return new Dataset(name + "-subset" + rowIndices.length, rows, subsetLabels, imageShape);
    }

    /**
     * All rows, as one matrix. The rows are copies: changing them does not change the dataset.
     *
     * @return {@code [rows()][featureDim()]}
     */
    public float[][] featureMatrix() {
        float[][] copy = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            copy[i] = features[i].clone();
        }
        return copy;
    }

    @Override
    public String toString() {
        return "Dataset["
                + name
                + ": "
                + rows()
                + " rows x "
                + featureDim()
                + (imageShape == null ? "" : " (" + imageShape + ")")
                + (labels == null ? ", unlabelled" : ", " + distinctLabels() + " labels")
                + "]";
    }
}
