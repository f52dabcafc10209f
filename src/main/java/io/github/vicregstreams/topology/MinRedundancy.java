package io.github.vicregstreams.topology;

import java.util.BitSet;

/**
 * The greedy choice of min-redundancy eviction: of a set of representations, the {@code count}
 * that, removed one at a time, are each the closest (cosine similarity) to another that remains.
 * Plain float arithmetic in a fixed order: the same inputs give the same choice on every run.
 */
final class MinRedundancy {

    private MinRedundancy() {}

    /**
     * The representations to evict.
     *
     * @param reps the candidates, all of one width, finite
     * @param count how many to evict, at most {@code reps.length}
     * @return the indices evicted; of tied candidates, the lower index is evicted
     */
    static BitSet mostRedundant(float[][] reps, int count) {
        int n = reps.length;
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            unit[i] = normalised(reps[i]);
        }
        float[][] similarity = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float s = dot(unit[i], unit[j]);
                similarity[i][j] = s;
                similarity[j][i] = s;
            }
        }
        BitSet evicted = new BitSet(n);
        float[] nearest = new float[n];
        int[] nearestIndex = new int[n];
        for (int i = 0; i < n; i++) {
            nearestIndex[i] = nearest(similarity, i, evicted, nearest);
        }
        for (int e = 0; e < count; e++) {
            int worst = -1;
            for (int i = 0; i < n; i++) {
                if (!evicted.get(i) && (worst < 0 || nearest[i] > nearest[worst])) {
                    worst = i;
                }
            }
            evicted.set(worst);
            for (int i = 0; i < n; i++) {
                if (!evicted.get(i) && nearestIndex[i] == worst) {
                    nearestIndex[i] = nearest(similarity, i, evicted, nearest);
                }
            }
        }
        return evicted;
    }

    /** Sets {@code nearest[i]} to i's highest similarity to a remaining other; returns which. */
    private static int nearest(float[][] similarity, int i, BitSet evicted, float[] nearest) {
        int best = -1;
        float bestSimilarity = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < similarity.length; j++) {
            if (j != i && !evicted.get(j) && similarity[i][j] > bestSimilarity) {
                best = j;
                bestSimilarity = similarity[i][j];
            }
        }
        nearest[i] = bestSimilarity;
        return best;
    }

    private static float[] normalised(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float scale = (float) (1 / Math.max(norm, 1e-12));
        float[] unit = new float[v.length];
        for (int k = 0; k < v.length; k++) {
            unit[k] = v[k] * scale;
        }
        return unit;
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }
}
