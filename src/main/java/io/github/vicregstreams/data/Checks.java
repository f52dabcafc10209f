package io.github.vicregstreams.data;

/** Argument checks shared by the augmentations, with messages that give the rule and the value. */
final class Checks {

    private Checks() {}

    static void requireProbability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1. Got: " + value);
        }
    }

    static void requireNonNegative(String name, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    name + " must be a finite number of at least 0. Got: " + value);
        }
    }

    static void requireFraction(String name, double value) {
        if (!(value > 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(
                    name + " must be greater than 0 and at most 1. Got: " + value);
        }
    }
}
