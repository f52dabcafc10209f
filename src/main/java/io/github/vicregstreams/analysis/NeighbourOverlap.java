package io.github.vicregstreams.analysis;

/**
 * How much two embeddings of the same items agree on who is whose neighbour: the mean share of the
 * k nearest neighbours (by cosine similarity, an item never its own neighbour) that two views have
 * in common. 1 when they agree on every neighbour; about k/(n-1) for unrelated embeddings of n
 * items.
 *
 * <p>Row i of each matrix is the same item. A zero row is similar to nothing (cosine 0 with every
 * row); among equal similarities the item of the smaller index is nearer. Exact (brute force,
 * {@link NearestNeighbours}): \( n^2 d \) multiply-adds for {@link #meanOverlap}, \( 1.5 n^2 d \)
 * for {@link #crossVersionOverlap}, on one thread.
 */
public final class NeighbourOverlap {

    private NeighbourOverlap() {}

    /**
     * The mean overlap@k of each item's neighbours among the items in one embedding and in the
     * other (e.g. version A against version B of the same items): for each item i, the share of its
     * k nearest in {@code a} that are among its k nearest in {@code b}, averaged over i.
     *
     * @param a the items in one embedding, n rows of one width
     * @param b the same items in another (its width may differ), n rows
     * @param k neighbours compared per item, 1 ≤ k < n
     * @return the mean overlap, 0 to 1
     * @throws IllegalArgumentException if the row counts differ, a matrix is ragged, empty or not
     *     finite, or k is out of range
     */
    public static double meanOverlap(float[][] a, float[][] b, int k) {
        Rows.width("a", a);
        Rows.width("b", b);
        requireK(k, requireSameItems("a", a, "b", b));
        float[][] unitA = unitRows(a);
        float[][] unitB = unitRows(b);
        return meanOverlap(
                NearestNeighbours.amongThemselves(unitA, k),
                NearestNeighbours.amongThemselves(unitB, k));
    }

    /**
     * How well an index of the old version answers queries embedded by the new one: for each item
     * i, the share of the k nearest old items to the new embedding of i that are also the k nearest
     * old items to the old embedding of i (item i itself excluded from both), averaged over i.
     * Without alignment an unrelated new space gives about k/(n-1); a new space that is a rotation
     * of the old one, aligned, gives 1.
     *
     * @param oldItems the items embedded by the old version: the index, n rows of width d
     * @param newQueriesOfSameItems the same items embedded by the new version (after alignment, if
     *     any), n rows of width d
     * @param k neighbours compared per item, 1 ≤ k < n
     * @return the mean overlap, 0 to 1
     * @throws IllegalArgumentException if the row counts or widths differ, a matrix is ragged,
     *     empty or not finite, or k is out of range
     */
    public static double crossVersionOverlap(
            float[][] oldItems, float[][] newQueriesOfSameItems, int k) {
        int d = Rows.width("oldItems", oldItems);
        int queryWidth = Rows.width("newQueriesOfSameItems", newQueriesOfSameItems);
        requireK(
                k,
                requireSameItems(
                        "oldItems", oldItems, "newQueriesOfSameItems", newQueriesOfSameItems));
        if (queryWidth != d) {
            throw new IllegalArgumentException(
                    "newQueriesOfSameItems must have the width of oldItems, "
                            + d
                            + ", to be compared with them. Got: "
                            + queryWidth);
        }
        float[][] index = unitRows(oldItems);
        float[][] queries = unitRows(newQueriesOfSameItems);
        return meanOverlap(
                NearestNeighbours.of(queries, index, k),
                NearestNeighbours.amongThemselves(index, k));
    }

    private static double meanOverlap(int[][] first, int[][] second) {
        double sum = 0;
        for (int i = 0; i < first.length; i++) {
            int common = 0;
            for (int x : first[i]) {
                for (int y : second[i]) {
                    if (x == y) {
                        common++;
                        break;
                    }
                }
            }
            sum += common / (double) first[i].length;
        }
        return sum / first.length;
    }

    /** The rows scaled to unit length (a zero row stays zero). */
    private static float[][] unitRows(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double squares = 0;
            for (float x : rows[i]) {
                squares += (double) x * x;
            }
            double scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
            out[i] = new float[rows[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) (rows[i][j] * scale);
            }
        }
        return out;
    }

    private static int requireSameItems(String nameA, float[][] a, String nameB, float[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    nameA
                            + " and "
                            + nameB
                            + " must have one row per item, the same items. Got: "
                            + a.length
                            + " and "
                            + b.length
                            + " rows");
        }
        return a.length;
    }

    private static void requireK(int k, int n) {
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException(
                    "k must be at least 1 and below the number of items, "
                            + n
                            + " (an item is not its own neighbour). Got: "
                            + k);
        }
    }
}
