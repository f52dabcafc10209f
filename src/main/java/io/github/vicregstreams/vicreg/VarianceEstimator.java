package io.github.vicregstreams.vicreg;

/** How the variance term estimates the per-dimension variance over the batch. */
public enum VarianceEstimator {
    /**
     * Divide by n − 1, as the official implementation does; consistent with the covariance term.
     */
    UNBIASED,
    /** Divide by n. */
    POPULATION;

    int divisor(long rows) {
        return (int) (this == UNBIASED ? rows - 1 : rows);
    }
}
