package io.github.vicregstreams.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index's neighbours against brute force: on clustered vectors, the kNN label accuracy of the
 * index's k = 20 neighbours (leave one out) against an exact cosine kNN over the same vectors, with
 * the vote of {@code eval.KnnClassifier} (summed similarity per class, ties to the smaller label).
 */
class IndexKnnAccuracyTest {

    private static final int ITEMS = 2_000;
    private static final int DIMENSION = 32;
    private static final int CLASSES = 10;
    private static final int K = 20;

    /** Cluster spread: large enough that the clusters overlap and kNN makes mistakes. */
    private static final double NOISE = 1.3;

    @TempDir Path dir;

    @Test
    void shouldClassifyAsWellAsAnExactCosineKnnWhenSearchingHnsw() {
        Random random = new Random(18);
        float[][] centres = new float[CLASSES][DIMENSION];
        for (float[] centre : centres) {
            for (int d = 0; d < DIMENSION; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
        float[][] vectors = new float[ITEMS][DIMENSION];
        int[] labels = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            labels[i] = i % CLASSES;
            for (int d = 0; d < DIMENSION; d++) {
                vectors[i][d] = centres[labels[i]][d] + (float) (NOISE * random.nextGaussian());
            }
        }

        int exactCorrect = 0;
        int indexCorrect = 0;
        long found = 0;
        try (EmbeddingIndex index = EmbeddingIndex.open(dir)) {
            // In four commits, as the consumer writes: four segments, each with its own graph,
            // until Lucene merges them.
            for (int i = 0; i < ITEMS; i++) {
                assertThat(index.upsert(1, "item-" + i, vectors[i], null)).isNull();
                if ((i + 1) % (ITEMS / 4) == 0) {
                    index.commit(Map.of(new TopicPartition("embeddings", 0), (long) i + 1));
                }
            }
            index.refreshAndSwap();
            assertThat(index.count(1)).isEqualTo(ITEMS);

            for (int i = 0; i < ITEMS; i++) {
                List<Scored> exact = exactNeighbours(vectors, i);
                List<Neighbour> approximate = index.neighboursOf(1, "item-" + i, K);
                assertThat(approximate).hasSize(K);
                Set<Integer> exactIds = new HashSet<>();
                exact.forEach(s -> exactIds.add(s.item()));
                List<Scored> fromIndex = new ArrayList<>();
                for (Neighbour n : approximate) {
                    int item = Integer.parseInt(n.id().substring("item-".length()));
                    fromIndex.add(new Scored(item, n.score()));
                    if (exactIds.contains(item)) {
                        found++;
                    }
                }
                exactCorrect += vote(exact, labels) == labels[i] ? 1 : 0;
                indexCorrect += vote(fromIndex, labels) == labels[i] ? 1 : 0;
            }
        }
        double exactAccuracy = (double) exactCorrect / ITEMS;
        double indexAccuracy = (double) indexCorrect / ITEMS;
        double recall = (double) found / ((long) ITEMS * K);
        System.out.printf(
                Locale.ROOT,
                "kNN k=%d on %d items of dimension %d: exact %.4f, index %.4f, recall@%d %.4f%n",
                K,
                ITEMS,
                DIMENSION,
                exactAccuracy,
                indexAccuracy,
                K,
                recall);

        assertThat(exactAccuracy).isBetween(0.5, 0.99); // a test where neighbours matter
        assertThat(recall).isGreaterThanOrEqualTo(0.99);
        assertThat(Math.abs(indexAccuracy - exactAccuracy)).isLessThanOrEqualTo(0.002);
    }

    private record Scored(int item, double score) {}

    /** The k most cosine-similar other items, by brute force in double precision. */
    private static List<Scored> exactNeighbours(float[][] vectors, int query) {
        List<Scored> all = new ArrayList<>(vectors.length - 1);
        for (int j = 0; j < vectors.length; j++) {
            if (j != query) {
                all.add(new Scored(j, cosine(vectors[query], vectors[j])));
            }
        }
        all.sort(Comparator.comparingDouble(Scored::score).reversed());
        return all.subList(0, K);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            na += (double) a[d] * a[d];
            nb += (double) b[d] * b[d];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** {@code KnnClassifier}'s vote: the class of largest summed similarity, ties to the lower. */
    private static int vote(List<Scored> neighbours, int[] labels) {
        double[] votes = new double[CLASSES];
        for (Scored n : neighbours) {
            votes[labels[n.item()]] += n.score();
        }
        int best = 0;
        for (int c = 1; c < CLASSES; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        return best;
    }
}
