package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainerConfigTest {

    private static final ModelSpec SPEC = new ModelSpec(12, 32, 16);

    @Test
    void shouldChangeOnlyTheNamedSettingWhenAWithMethodIsCalled() {
        TrainerConfig defaults = TrainerConfig.defaults(SPEC);
        LossWeights weights = LossWeights.defaults().withWeights(20f, 20f, 2f);
        OptimizerConfig sgd = OptimizerConfig.of(OptimizerConfig.Kind.SGD, 1e-2f);

        assertThat(defaults.withSeed(7))
                .isEqualTo(
                        new TrainerConfig(SPEC, defaults.lossWeights(), defaults.optimizer(), 7));
        assertThat(defaults.withLossWeights(weights))
                .isEqualTo(new TrainerConfig(SPEC, weights, defaults.optimizer(), defaults.seed()));
        assertThat(defaults.withOptimizer(sgd))
                .isEqualTo(new TrainerConfig(SPEC, defaults.lossWeights(), sgd, defaults.seed()));
    }
}
