package io.github.vicregstreams.vicreg;

/**
 * What one training step did.
 *
 * @param step the model's step counter after this call (the number of applied updates)
 * @param applied whether the parameters were updated; false when the loss or a gradient was not
 *     finite
 * @param skipReason why the update was skipped, or null when it was applied
 * @param loss the loss and its terms, from the forward pass of this step
 * @param gradientNorm the global L2 norm of the gradient, NaN when none was computed
 * @param projectionStd per-dimension std of the projections of both views, {@code [2][d]}
 * @param representations1 the encoder outputs of view 1, {@code [n][hiddenSize]}, from the same
 *     forward pass that computed the loss (weights of step {@link #representationStep()})
 * @param representations2 the encoder outputs of view 2
 */
public record StepResult(
        long step,
        boolean applied,
        String skipReason,
        LossTerms loss,
        double gradientNorm,
        float[][] projectionStd,
        float[][] representations1,
        float[][] representations2) {

    /**
     * The step counter of the weights that computed the representations and the loss.
     *
     * @return {@code step - 1} when the update was applied, else {@code step}
     */
    public long representationStep() {
        return applied ? step - 1 : step;
    }

    /**
     * The batch size of this step.
     *
     * @return the number of pairs
     */
    public int batchSize() {
        return representations1.length;
    }

    /**
     * The smallest per-dimension std over both views' projections; near 0 means collapse.
     *
     * @return the minimum
     */
    public double projectionStdMin() {
        double min = Double.POSITIVE_INFINITY;
        for (float[] view : projectionStd) {
            for (float s : view) {
                min = Math.min(min, s);
            }
        }
        return min;
    }

    /**
     * The mean per-dimension std over both views' projections.
     *
     * @return the mean
     */
    public double projectionStdMean() {
        double sum = 0;
        int count = 0;
        for (float[] view : projectionStd) {
            for (float s : view) {
                sum += s;
                count++;
            }
        }
        return sum / count;
    }
}
