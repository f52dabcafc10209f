package io.github.vicregstreams.vicreg;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The project's one way between a setting's text and an enum constant: the constant's name in lower
 * case with {@code -} for {@code _} ({@code FASHION_MNIST} is {@code fashion-mnist}), read
 * case-insensitively and trimmed, with an error that lists every name it takes.
 */
public final class EnumNames {

    private EnumNames() {}

    /**
     * The name a setting uses for a constant.
     *
     * @param constant the constant
     * @return e.g. {@code mlp}, {@code fashion-mnist}
     */
    public static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The constant a setting names.
     *
     * @param type the enum
     * @param what what the setting is, for the error (e.g. {@code "encoder"})
     * @param name the text; null is an error like any other unknown name
     * @param <E> the enum
     * @return the constant
     * @throws IllegalArgumentException for an unknown name: "{@code what} must be one of a, b. Got:
     *     name"
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String what, String name) {
        String wanted = name == null ? "" : name.trim();
        for (E constant : type.getEnumConstants()) {
            if (of(constant).equalsIgnoreCase(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                what + " must be one of " + names(type) + ". Got: " + name);
    }

    /** Every name the enum takes, comma-separated, in declaration order: {@code auto, cpu, gpu}. */
    private static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(EnumNames::of)
                .collect(Collectors.joining(", "));
    }
}
