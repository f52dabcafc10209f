package io.github.vicregstreams.index;

/** Vectors scaled to unit length, so that a dot product is their cosine. */
final class UnitVectors {

    private UnitVectors() {}

    /** Whether every value of {@code vector} is 0. */
    static boolean isZero(float[] vector) {
        for (float value : vector) {
            if (value != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code vector} scaled to length 1.
     *
     * @throws IllegalArgumentException if a value is not finite, or every value is 0: a zero vector
     *     has no direction, so no cosine to anything
     */
    static float[] unit(float[] vector) {
        double squares = 0;
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException(
                        "embedding[" + i + "] must be a finite number. Got: " + vector[i]);
            }
            squares += (double) vector[i] * vector[i];
        }
        double norm = Math.sqrt(squares);
        if (!(norm > 0)) {
            throw new IllegalArgumentException(
                    "zero vector: an embedding of "
                            + vector.length
                            + " zeros has no direction, so no cosine similarity to anything");
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }
}
