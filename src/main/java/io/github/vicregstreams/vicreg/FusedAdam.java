package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * One Adam update through the engine's fused kernel, on moment estimates the caller owns (so that
 * they can be saved and restored), with the bias correction folded into the step size and weight
 * decay decoupled (AdamW).
 *
 * <p>With \(\alpha_t = \mathrm{lr} \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)\) it computes \(w
 * \leftarrow w (1 - \mathrm{lr} \cdot \mathrm{wd})\), \(m \leftarrow \beta_1 m + (1 - \beta_1) g\),
 * \(v \leftarrow \beta_2 v + (1 - \beta_2) g^2\), \(w \leftarrow w - \alpha_t m / (\sqrt{v} +
 * \epsilon)\): one native call instead of a dozen element-wise operations from Java. All four
 * arrays are updated in place, so they may be views of larger arrays; the gradient is not changed.
 */
public final class FusedAdam {

    /** The kernel's convention for "do not clip the gradient". */
    private static final float NO_CLIPPING = -1f;

    private static final float NO_RESCALING = 1f;

    private FusedAdam() {}

    /**
     * Updates {@code weight}, {@code mean} and {@code variance} in place.
     *
     * @param weight the parameter
     * @param gradient its gradient
     * @param mean the first moment estimate, same shape
     * @param variance the second moment estimate, same shape
     * @param settings learning rate, β1, β2, ε and weight decay
     * @param t the update's number, from 1
     */
    public static void update(
            NDArray weight,
            NDArray gradient,
            NDArray mean,
            NDArray variance,
            Settings settings,
            long t) {
        float stepSize =
                (float)
                        (settings.learningRate()
                                * Math.sqrt(1.0 - Math.pow(settings.beta2(), t))
                                / (1.0 - Math.pow(settings.beta1(), t)));
        // The kernel's decoupled decay costs three passes over the weights even when the decay is
        // zero; its coupled form adds 0·w to a copy of the gradient, one pass, and gives the same
        // numbers.
        boolean decoupledDecay = settings.weightDecay() != 0f;
        weight.getNDArrayInternal()
                .adamUpdate(
                        new NDList(weight, gradient, mean, variance),
                        new NDList(weight),
                        settings.learningRate(),
                        stepSize,
                        settings.weightDecay(),
                        NO_RESCALING,
                        NO_CLIPPING,
                        settings.beta1(),
                        settings.beta2(),
                        settings.epsilon(),
                        false,
                        decoupledDecay);
    }

    /**
     * Adam's hyper-parameters.
     *
     * @param learningRate the step size before bias correction
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param epsilon added to the root of the second moment
     * @param weightDecay decoupled weight decay, 0 for none
     */
    public record Settings(
            float learningRate, float beta1, float beta2, float epsilon, float weightDecay) {}
}
