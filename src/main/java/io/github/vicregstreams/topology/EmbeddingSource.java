package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.EnumNames;

/** Which representation of a trained pair is published as its embedding. */
public enum EmbeddingSource {
    /** The mean of the two views' encoder outputs. */
    MEAN,
    /** The encoder output of view 0. */
    VIEW0;

    static EmbeddingSource parse(String name) {
        return EnumNames.parse(EmbeddingSource.class, "embedding.source", name);
    }

    /** The embedding of row {@code i} of a step's representations. */
    float[] of(float[] view0, float[] view1) {
        if (this == VIEW0) {
            return view0;
        }
        float[] mean = new float[view0.length];
        for (int j = 0; j < mean.length; j++) {
            mean[j] = 0.5f * (view0[j] + view1[j]);
        }
        return mean;
    }
}
