package io.github.vicregstreams.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vicregstreams.analysis.CentredSpectrum;
import io.github.vicregstreams.analysis.EffectiveRank;
import java.util.ArrayList;
import java.util.List;

/**
 * The effective rank and a 2-D PCA of the recent embeddings, computed off the request path.
 *
 * @param count the embeddings projected
 * @param dimension their dimension
 * @param rankRows the embeddings the spectrum (rank, axes) was computed from
 * @param effectiveRank the effective rank, NaN for fewer than 2 embeddings
 * @param explainedVariance the share of the variance along each of the two axes
 * @param points the coordinates of each embedding on the two axes, oldest first
 * @param labels the label of each point (the metadata field's value), null where absent
 * @param axes the two unit principal axes (kept to orient the next analysis the same way)
 * @param minModelStep the oldest model step among the embeddings
 * @param maxModelStep the newest model step among the embeddings
 * @param computedAtMs when it was computed, epoch milliseconds
 */
record EmbeddingAnalysis(
        int count,
        int dimension,
        int rankRows,
        double effectiveRank,
        double[] explainedVariance,
        float[][] points,
        String[] labels,
        double[][] axes,
        long minModelStep,
        long maxModelStep,
        long computedAtMs) {

    /** Up to this dimension the d×d covariance of every sample is used; above, a Gram matrix. */
    static final int MAX_SPECTRUM_SIZE = 256;

    /**
     * Analyses the samples of the newest dimension (a model change may leave older ones of
     * another).
     *
     * @param samples recent embeddings, oldest first
     * @param labelField the metadata field for the labels
     * @param previous the previous analysis, to keep the axes' signs, or null
     * @param nowMs the current time
     * @return the analysis, or null when there are no samples
     */
    static EmbeddingAnalysis compute(
            List<MonitorModel.Sample> samples,
            String labelField,
            EmbeddingAnalysis previous,
            long nowMs) {
        if (samples.isEmpty()) {
            return null;
        }
        int dimension = samples.get(samples.size() - 1).embedding().length;
        List<MonitorModel.Sample> used = new ArrayList<>(samples.size());
        for (MonitorModel.Sample s : samples) {
            if (s.embedding().length == dimension) {
                used.add(s);
            }
        }
        int n = used.size();
        float[][] rows = new float[n][];
        String[] labels = new String[n];
        long minStep = Long.MAX_VALUE;
        long maxStep = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            MonitorModel.Sample s = used.get(i);
            rows[i] = s.embedding();
            labels[i] = label(s, labelField);
            minStep = Math.min(minStep, s.modelStep());
            maxStep = Math.max(maxStep, s.modelStep());
        }
        // A d×d covariance over all samples when d is small; otherwise the Gram matrix of the
        // newest MAX_SPECTRUM_SIZE samples, which bounds the cost (and the measurable rank) at that
        // size.
        int spectrumRows = dimension <= MAX_SPECTRUM_SIZE ? n : Math.min(n, MAX_SPECTRUM_SIZE);
        float[][] spectrumInput = new float[spectrumRows][];
        System.arraycopy(rows, n - spectrumRows, spectrumInput, 0, spectrumRows);
        CentredSpectrum spectrum = CentredSpectrum.of(spectrumInput, true);
        double[] squared = spectrum.squaredSingularValues();
        double rank =
                spectrumRows < 2 ? Double.NaN : EffectiveRank.ofSquaredSingularValues(squared);
        double total = 0.0;
        for (double s : squared) {
            total += s;
        }
        double[][] axes = new double[2][];
        double[] explained = new double[2];
        for (int k = 0; k < 2; k++) {
            axes[k] = spectrum.principalAxis(k);
            explained[k] = total > 0 && k < squared.length ? squared[k] / total : 0.0;
            if (previous != null
                    && previous.dimension() == dimension
                    && CentredSpectrum.dot(axes[k], previous.axes()[k]) < 0) {
                // Eigenvectors have no sign; keep the one of the last analysis so the plot does not
                // flip.
                for (int j = 0; j < dimension; j++) {
                    axes[k][j] = -axes[k][j];
                }
            }
        }
        double[] mean = spectrum.mean();
        float[][] points = new float[n][2];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                double sum = 0.0;
                for (int j = 0; j < dimension; j++) {
                    sum += (rows[i][j] - mean[j]) * axes[k][j];
                }
                points[i][k] = (float) sum;
            }
        }
        return new EmbeddingAnalysis(
                n,
                dimension,
                spectrumRows,
                rank,
                explained,
                points,
                labels,
                axes,
                minStep,
                maxStep,
                nowMs);
    }

    private static String label(MonitorModel.Sample sample, String field) {
        if (sample.metadata() == null || field.isEmpty()) {
            return null;
        }
        JsonNode value = sample.metadata().toJsonNode().get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }
}
