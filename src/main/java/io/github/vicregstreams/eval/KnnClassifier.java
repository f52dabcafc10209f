package io.github.vicregstreams.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.vicregstreams.vicreg.Djl;

/**
 * A k-nearest-neighbour classifier on cosine similarity: each query row takes the class whose
 * members among its {@code k} most similar training rows have the largest summed similarity.
 *
 * <p>Rows are compared as they are (not standardized), after scaling each to unit length; a zero
 * row is similar to nothing. Ties between classes go to the smaller label. Queries are scored in
 * chunks, one similarity matrix of {@code chunk × training rows} at a time.
 */
public final class KnnClassifier {

    /** Default number of neighbours. */
    public static final int DEFAULT_K = 20;

    private static final int QUERY_CHUNK = 1024;
    private static final float NORM_EPSILON = 1e-12f;

    private final int k;

    /**
     * Creates a classifier.
     *
     * @param k the number of neighbours, at least 1
     * @throws IllegalArgumentException if {@code k} is below 1
     */
    public KnnClassifier(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1. Got: " + k);
        }
        this.k = k;
    }

    /**
     * The number of neighbours that vote.
     *
     * @return k
     */
    public int k() {
        return k;
    }

    /**
     * Classifies the query rows by their neighbours among the training rows.
     *
     * @param trainX the labelled rows
     * @param trainY their labels
     * @param queries rows of the same width
     * @return one class per query row
     * @throws IllegalArgumentException if a matrix is empty or ragged, widths differ, or labels do
     *     not match
     */
    public int[] predict(float[][] trainX, int[] trainY, float[][] queries) {
        int d = Features.requireLabelled("training set", trainX, trainY);
        int queryWidth = Features.requireMatrix("queries", queries);
        if (queryWidth != d) {
            throw new IllegalArgumentException(
                    "queries must have "
                            + d
                            + " features, as the training rows. Got: "
                            + queryWidth);
        }
        int neighbours = Math.min(k, trainX.length);
        int classes = Features.classCount(trainY);
        int[] predicted = new int[queries.length];
        Djl.disableGradientsOnThisThread();
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            NDArray train = unit(Features.stage(manager, trainX, null)).transpose();
            double[] votes = new double[classes];
            for (int start = 0; start < queries.length; start += QUERY_CHUNK) {
                int end = Math.min(queries.length, start + QUERY_CHUNK);
                try (NDManager chunk = manager.newSubManager()) {
                    float[][] rows = java.util.Arrays.copyOfRange(queries, start, end);
                    NDArray query = unit(Features.stage(chunk, rows, null));
                    NDList top = query.dot(train).topK(neighbours, 1, true, false);
                    float[] similarity = top.get(0).toFloatArray();
                    long[] index =
                            top.get(1)
                                    .toType(ai.djl.ndarray.types.DataType.INT64, false)
                                    .toLongArray();
                    for (int q = 0; q < end - start; q++) {
                        java.util.Arrays.fill(votes, 0);
                        for (int j = 0; j < neighbours; j++) {
                            int at = q * neighbours + j;
                            votes[trainY[(int) index[at]]] += similarity[at];
                        }
                        int best = 0;
                        for (int c = 1; c < classes; c++) {
                            if (votes[c] > votes[best]) {
                                best = c;
                            }
                        }
                        predicted[start + q] = best;
                    }
                }
            }
        }
        return predicted;
    }

    /**
     * The share of query rows classified as their label.
     *
     * @param trainX the labelled rows
     * @param trainY their labels
     * @param testX rows of the same width
     * @param testY their labels
     * @return the accuracy, 0 to 1
     */
    public double accuracy(float[][] trainX, int[] trainY, float[][] testX, int[] testY) {
        Features.requireLabelled("test set", testX, testY);
        return Features.accuracy(predict(trainX, trainY, testX), testY);
    }

    private static NDArray unit(NDArray rows) {
        NDArray norms = rows.norm(new int[] {1}, true).maximum(NORM_EPSILON);
        return rows.div(norms);
    }

    @Override
    public String toString() {
        return "KnnClassifier[k=" + k + ", cosine, similarity-weighted vote]";
    }
}
