package io.github.vicregstreams.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * The two augmented views of one sample: view 0 and view 1 on the views topic.
 *
 * <p>Immutable: the arrays are copied in and out. Equality compares the values.
 *
 * @param first view 0
 * @param second view 1
 */
public record ViewPair(float[] first, float[] second) {

    /**
     * Copies the views.
     *
     * @throws IllegalArgumentException if the views differ in length
     */
    public ViewPair {
        Objects.requireNonNull(first, "first must not be null");
        Objects.requireNonNull(second, "second must not be null");
        if (first.length != second.length) {
            throw new IllegalArgumentException(
                    "Both views must have the same length: first has "
                            + first.length
                            + ". Got second: "
                            + second.length);
        }
        first = first.clone();
        second = second.clone();
    }

    /**
     * A copy of view 0.
     *
     * @return a new array
     */
    @Override
    public float[] first() {
        return first.clone();
    }

    /**
     * A copy of view 1.
     *
     * @return a new array
     */
    @Override
    public float[] second() {
        return second.clone();
    }

    /**
     * One view by number.
     *
     * @param view 0 or 1
     * @return a copy of that view
     * @throws IllegalArgumentException if {@code view} is neither 0 nor 1
     */
    public float[] view(int view) {
        return switch (view) {
            case 0 -> first();
            case 1 -> second();
            default -> throw new IllegalArgumentException("view must be 0 or 1. Got: " + view);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ViewPair pair
                && Arrays.equals(first, pair.first)
                && Arrays.equals(second, pair.second);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(first) + Arrays.hashCode(second);
    }

    @Override
    public String toString() {
        return "ViewPair[length=" + first.length + "]";
    }
}
