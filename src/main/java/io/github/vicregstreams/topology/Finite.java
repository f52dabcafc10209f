package io.github.vicregstreams.topology;

/** The one finiteness check of the processors' float vectors. */
final class Finite {

    private Finite() {}

    /** True when no value is NaN or infinite. */
    static boolean all(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
