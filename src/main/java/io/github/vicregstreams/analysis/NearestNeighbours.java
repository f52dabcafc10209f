package io.github.vicregstreams.analysis;

import java.util.Arrays;

/**
 * Exact (brute-force) k nearest neighbours by dot product, for {@link NeighbourOverlap}: each
 * query's k most similar items, best first, where query i and item i are the same item and so never
 * each other's neighbour. Among equal similarities the smaller index is nearer.
 *
 * <p>Similarities come four queries by two items at a time (eight sums in registers, six loads per
 * eight multiply-adds, against two loads per multiply-add for one dot product at a time: the JIT
 * does not vectorize a float sum, whose order it may not change). Each sum runs over the dimensions
 * in order, so the similarity of a pair is the same whichever is the query.
 */
final class NearestNeighbours {

    private static final int QUERY_BLOCK = 4;

    private NearestNeighbours() {}

    /**
     * For each query i, the indices of its k most similar items, item i excluded.
     *
     * @param queries n rows of width d
     * @param items at least k + 1 rows of width d (n of them when query i is item i)
     * @param k neighbours per query
     */
    static int[][] of(float[][] queries, float[][] items, int k) {
        TopK top = new TopK(queries.length, k);
        float[][] tile = new float[QUERY_BLOCK][items.length];
        for (int i0 = 0; i0 < queries.length; i0 += QUERY_BLOCK) {
            int rows = Math.min(QUERY_BLOCK, queries.length - i0);
            similarities(queries, i0, items, 0, tile);
            for (int r = 0; r < rows; r++) {
                int i = i0 + r;
                float[] s = tile[r];
                for (int j = 0; j < items.length; j++) {
                    if (j != i) {
                        top.offer(i, j, s[j]);
                    }
                }
            }
        }
        return top.indices;
    }

    /**
     * {@link #of} of the items among themselves, each similarity computed once for both of its
     * items (half the work). Each query still sees its items in ascending order: those before it as
     * the earlier rows are done, then its own row.
     */
    static int[][] amongThemselves(float[][] items, int k) {
        TopK top = new TopK(items.length, k);
        float[][] tile = new float[QUERY_BLOCK][items.length];
        for (int i0 = 0; i0 < items.length; i0 += QUERY_BLOCK) {
            int rows = Math.min(QUERY_BLOCK, items.length - i0);
            similarities(items, i0, items, i0, tile);
            for (int j = i0 + 1; j < items.length; j++) {
                for (int r = 0; r < rows && i0 + r < j; r++) {
                    float s = tile[r][j];
                    top.offer(i0 + r, j, s);
                    top.offer(j, i0 + r, s);
                }
            }
        }
        return top.indices;
    }

    /**
     * {@code tile[r][j]} = queries[i0 + r] · items[j] for the (up to) four queries from i0 and
     * every item from {@code jFrom}; a short last block repeats its last query.
     */
    private static void similarities(
            float[][] queries, int i0, float[][] items, int jFrom, float[][] tile) {
        int last = queries.length - 1;
        float[] q0 = queries[i0];
        float[] q1 = queries[Math.min(i0 + 1, last)];
        float[] q2 = queries[Math.min(i0 + 2, last)];
        float[] q3 = queries[Math.min(i0 + 3, last)];
        int d = q0.length;
        int j = jFrom;
        for (; j + 1 < items.length; j += 2) {
            float[] a = items[j];
            float[] b = items[j + 1];
            float s0a = 0;
            float s1a = 0;
            float s2a = 0;
            float s3a = 0;
            float s0b = 0;
            float s1b = 0;
            float s2b = 0;
            float s3b = 0;
            for (int t = 0; t < d; t++) {
                float x = a[t];
                float y = b[t];
                s0a += q0[t] * x;
                s1a += q1[t] * x;
                s2a += q2[t] * x;
                s3a += q3[t] * x;
                s0b += q0[t] * y;
                s1b += q1[t] * y;
                s2b += q2[t] * y;
                s3b += q3[t] * y;
            }
            tile[0][j] = s0a;
            tile[1][j] = s1a;
            tile[2][j] = s2a;
            tile[3][j] = s3a;
            tile[0][j + 1] = s0b;
            tile[1][j + 1] = s1b;
            tile[2][j + 1] = s2b;
            tile[3][j + 1] = s3b;
        }
        for (; j < items.length; j++) {
            float[] a = items[j];
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int t = 0; t < d; t++) {
                float x = a[t];
                s0 += q0[t] * x;
                s1 += q1[t] * x;
                s2 += q2[t] * x;
                s3 += q3[t] * x;
            }
            tile[0][j] = s0;
            tile[1][j] = s1;
            tile[2][j] = s2;
            tile[3][j] = s3;
        }
    }

    /**
     * The k best (similarity, index) of each query, best first; "strictly better" keeps the item
     * offered first on ties, the smaller index when items come in ascending order.
     */
    private static final class TopK {
        final int[][] indices;
        final float[][] scores;

        TopK(int queries, int k) {
            indices = new int[queries][k];
            scores = new float[queries][k];
            // Every similarity is finite, so each beats an empty slot.
            for (float[] row : scores) {
                Arrays.fill(row, Float.NEGATIVE_INFINITY);
            }
        }

        void offer(int query, int item, float score) {
            float[] s = scores[query];
            int at = s.length - 1;
            if (!(score > s[at])) {
                return;
            }
            int[] idx = indices[query];
            while (at > 0 && score > s[at - 1]) {
                s[at] = s[at - 1];
                idx[at] = idx[at - 1];
                at--;
            }
            s[at] = score;
            idx[at] = item;
        }
    }
}
