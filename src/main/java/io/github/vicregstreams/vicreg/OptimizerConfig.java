package io.github.vicregstreams.vicreg;

/**
 * Which optimizer updates the model, and its hyper-parameters. Saved in every checkpoint.
 *
 * @param kind the algorithm
 * @param learningRate the step size
 * @param weightDecay the weight decay; decoupled (AdamW) for Adam, added to the gradient for SGD
 *     and LARS, which exclude biases and normalisation parameters as in the official recipe
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param epsilon Adam's denominator term
 * @param momentum SGD's and LARS's momentum
 * @param trustCoefficient LARS's η
 */
public record OptimizerConfig(
        Kind kind,
        float learningRate,
        float weightDecay,
        float beta1,
        float beta2,
        float epsilon,
        float momentum,
        float trustCoefficient) {

    /** The optimization algorithms. */
    public enum Kind {
        /** Adam with bias correction, and decoupled weight decay (AdamW) when decay is set. */
        ADAM,
        /** Stochastic gradient descent with momentum. */
        SGD,
        /** Layer-wise adaptive rate scaling, as in the official VICReg recipe. */
        LARS;

        /**
         * Parses a name such as {@code adam}, case-insensitively.
         *
         * @param name the name
         * @return the kind
         * @throws IllegalArgumentException for an unknown name, listing the known ones
         */
        public static Kind parse(String name) {
            return EnumNames.parse(Kind.class, "optimizer", name);
        }

        @Override
        public String toString() {
            return EnumNames.of(this);
        }
    }

    /** Default learning rate of Adam. */
    public static final float DEFAULT_ADAM_LEARNING_RATE = 1e-3f;

    private static final float DEFAULT_BETA1 = 0.9f;
    private static final float DEFAULT_BETA2 = 0.999f;
    private static final float DEFAULT_EPSILON = 1e-8f;
    private static final float DEFAULT_MOMENTUM = 0.9f;
    private static final float DEFAULT_TRUST_COEFFICIENT = 1e-3f;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    public OptimizerConfig {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        requireFinite("learningRate", learningRate, 0f, false);
        requireFinite("weightDecay", weightDecay, 0f, true);
        requireUnitInterval("beta1", beta1);
        requireUnitInterval("beta2", beta2);
        requireFinite("epsilon", epsilon, 0f, false);
        requireUnitInterval("momentum", momentum);
        requireFinite("trustCoefficient", trustCoefficient, 0f, false);
    }

    /**
     * Adam with the usual defaults (β1 0.9, β2 0.999, ε 1e-8) and no weight decay.
     *
     * @param learningRate the step size
     * @return the config
     */
    public static OptimizerConfig adam(float learningRate) {
        return withoutDecay(Kind.ADAM, learningRate, DEFAULT_MOMENTUM);
    }

    /**
     * SGD with momentum and no weight decay.
     *
     * @param learningRate the step size
     * @param momentum the momentum in [0, 1)
     * @return the config
     */
    public static OptimizerConfig sgd(float learningRate, float momentum) {
        return withoutDecay(Kind.SGD, learningRate, momentum);
    }

    /**
     * LARS with momentum 0.9 and η 0.001 (the official recipe, which also uses weight decay 1e-6).
     *
     * @param learningRate the step size
     * @return the config
     */
    public static OptimizerConfig lars(float learningRate) {
        return withoutDecay(Kind.LARS, learningRate, DEFAULT_MOMENTUM);
    }

    /**
     * The default of {@code kind} at a learning rate.
     *
     * @param kind the algorithm
     * @param learningRate the step size
     * @return the config
     */
    public static OptimizerConfig of(Kind kind, float learningRate) {
        return switch (kind) {
            case ADAM -> adam(learningRate);
            case SGD -> sgd(learningRate, DEFAULT_MOMENTUM);
            case LARS -> lars(learningRate);
        };
    }

    /**
     * A copy with weight decay.
     *
     * @param decay the weight decay, ≥ 0
     * @return the copy
     */
    public OptimizerConfig withWeightDecay(float decay) {
        return new OptimizerConfig(
                kind, learningRate, decay, beta1, beta2, epsilon, momentum, trustCoefficient);
    }

    /**
     * A copy with another learning rate.
     *
     * @param rate the step size
     * @return the copy
     */
    public OptimizerConfig withLearningRate(float rate) {
        return new OptimizerConfig(
                kind, rate, weightDecay, beta1, beta2, epsilon, momentum, trustCoefficient);
    }

    private static void requireFinite(String name, float value, float min, boolean inclusive) {
        boolean ok = Float.isFinite(value) && (inclusive ? value >= min : value > min);
        if (!ok) {
            throw new IllegalArgumentException(
                    name
                            + " must be a finite number "
                            + (inclusive ? "≥ " : "> ")
                            + min
                            + ". Got: "
                            + value);
        }
    }

    private static void requireUnitInterval(String name, float value) {
        if (!(value >= 0f && value < 1f)) {
            throw new IllegalArgumentException(name + " must be in [0, 1). Got: " + value);
        }
    }

    /** The default betas, ε and trust coefficient, no weight decay. */
    private static OptimizerConfig withoutDecay(Kind kind, float learningRate, float momentum) {
        return new OptimizerConfig(
                kind,
                learningRate,
                0f,
                DEFAULT_BETA1,
                DEFAULT_BETA2,
                DEFAULT_EPSILON,
                momentum,
                DEFAULT_TRUST_COEFFICIENT);
    }
}
