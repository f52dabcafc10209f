package io.github.vicregstreams.vicreg;

/**
 * Everything that decides what a trainer computes; saved in every checkpoint. The device is not
 * part of it: a checkpoint made on a GPU restores on a CPU.
 *
 * @param spec the model's dimensions
 * @param lossWeights the loss coefficients
 * @param optimizer the optimizer and its hyper-parameters
 * @param seed the seed of the initial weights
 */
public record TrainerConfig(
        ModelSpec spec, LossWeights lossWeights, OptimizerConfig optimizer, long seed) {

    /** Seed of the initial weights unless one is given. */
    public static final long DEFAULT_SEED = 42L;

    /**
     * Checks that nothing is null.
     *
     * @throws IllegalArgumentException naming the missing part
     */
    public TrainerConfig {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        if (lossWeights == null) {
            throw new IllegalArgumentException("lossWeights must not be null");
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
    }

    /**
     * Default loss weights, Adam at 1e-3, the default seed.
     *
     * @param spec the model's dimensions
     * @return the config
     */
    public static TrainerConfig defaults(ModelSpec spec) {
        return new TrainerConfig(
                spec,
                LossWeights.defaults(),
                OptimizerConfig.adam(OptimizerConfig.DEFAULT_ADAM_LEARNING_RATE),
                DEFAULT_SEED);
    }

    /**
     * This configuration with other loss weights.
     *
     * @param weights the loss coefficients
     * @return the new config
     */
    public TrainerConfig withLossWeights(LossWeights weights) {
        return new TrainerConfig(spec, weights, optimizer, seed);
    }

    /**
     * This configuration with another optimizer.
     *
     * @param config the optimizer and its hyper-parameters
     * @return the new config
     */
    public TrainerConfig withOptimizer(OptimizerConfig config) {
        return new TrainerConfig(spec, lossWeights, config, seed);
    }

    /**
     * This configuration with another seed of the initial weights.
     *
     * @param newSeed the seed
     * @return the new config
     */
    public TrainerConfig withSeed(long newSeed) {
        return new TrainerConfig(spec, lossWeights, optimizer, newSeed);
    }
}
