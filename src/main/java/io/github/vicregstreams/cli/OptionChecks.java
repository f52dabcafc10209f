package io.github.vicregstreams.cli;

/** Checks of option values that picocli's types cannot express. */
final class OptionChecks {

    private OptionChecks() {}

    /**
     * @throws IllegalArgumentException naming the option, when {@code value} is below {@code min}
     */
    static void requireAtLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    option + " must be at least " + min + ". Got: " + value);
        }
    }
}
