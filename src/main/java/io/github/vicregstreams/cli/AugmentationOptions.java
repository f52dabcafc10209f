package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.ViewGenerator;
import picocli.CommandLine.Option;

/** How the commands that stream pairs augment each sample: {@code --augment} and {@code --seed}. */
final class AugmentationOptions {

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the augmentations. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(
            names = "--augment",
            paramLabel = "SPEC",
            description =
                    "The augmentations: "
                            + Augmentations.SPEC_SYNTAX
                            + ". Default: ${DEFAULT-VALUE}.")
    String augment = "default";

    /**
     * The views of {@code data}'s samples: both views augmented alike, with different draws.
     *
     * @throws IllegalArgumentException if the spec is bad or does not fit the data
     */
    ViewGenerator viewGenerator(Dataset data) {
        return ViewGenerator.symmetric(Augmentations.parse(augment, data), seed);
    }
}
