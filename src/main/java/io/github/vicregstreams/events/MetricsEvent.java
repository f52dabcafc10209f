package io.github.vicregstreams.events;

/**
 * What one training step did, on the metrics topic (one event per step, key = model name).
 *
 * <p>The loss values are those of the VICReg objective \( L = \lambda s(Z,Z') + \mu [v(Z) + v(Z')]
 * + \nu [c(Z) + c(Z')] \): {@code invariance} is \( s \), {@code variance} is \( v(Z) + v(Z') \)
 * and {@code covariance} is \( c(Z) + c(Z') \), unweighted. Any of the double values may be NaN or
 * infinite (a diverged step is reported, with {@code applied = false}); JSON has no such numbers,
 * so they are written as {@code null} and read back as NaN.
 *
 * @param step the training step, at least 0
 * @param timestamp epoch milliseconds when the step finished, at least 0
 * @param batchSize pairs in the batch, at least 1
 * @param loss the full loss
 * @param invariance the invariance term
 * @param variance the variance terms of both branches
 * @param covariance the covariance terms of both branches
 * @param embeddingStdMin the smallest per-dimension standard deviation of the embeddings over the
 *     batch: near 0 means a collapsing dimension
 * @param embeddingStdMean the mean per-dimension standard deviation of the embeddings
 * @param pairsPerSecond training throughput of this step
 * @param applied false when the update was skipped (e.g. a non-finite loss)
 */
public record MetricsEvent(
        long step,
        long timestamp,
        int batchSize,
        double loss,
        double invariance,
        double variance,
        double covariance,
        double embeddingStdMin,
        double embeddingStdMean,
        double pairsPerSecond,
        boolean applied) {

    /**
     * Creates a metrics event.
     *
     * @throws IllegalArgumentException if a count or time is out of range
     */
    public MetricsEvent {
        if (step < 0) {
            throw new IllegalArgumentException("step must be at least 0. Got: " + step);
        }
        EventLimits.require(EventLimits.checkTimestamp("timestamp", timestamp));
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1. Got: " + batchSize);
        }
    }
}
