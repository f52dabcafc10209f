package io.github.vicregstreams.bench;

import io.github.vicregstreams.analysis.NeighbourOverlap;
import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.FashionMnist;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.data.ViewPair;
import io.github.vicregstreams.eval.KnnClassifier;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.InferenceModel;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.ModelWeights;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What {@code model.version.align=procrustes} buys a consumer that cannot re-index: the default MLP
 * trained on Fashion-MNIST (the demo's default augmentations, the training images in file order, no
 * Kafka) to step {@code --v1-steps}, that checkpoint as version 1, then on to {@code --v2-steps} as
 * version 2. The first {@code --items} training images are embedded by both; the alignment is
 * fitted on the first {@code --reference} of them (as the learner fits it on the first {@code
 * model.version.align.reference.items} items) and everything is measured on the rest:
 *
 * <ul>
 *   <li>neighbour overlap@k within each version ({@link NeighbourOverlap#meanOverlap}): how much
 *       the space itself changed, which no rotation can undo;
 *   <li>overlap@k of version-2 queries against a version-1 index, raw and aligned ({@link
 *       NeighbourOverlap#crossVersionOverlap});
 *   <li>the same for version 1 under a random rotation, raw and aligned: the sanity rows (0 raw, 1
 *       aligned, whatever the training did);
 *   <li>kNN label accuracy ({@link KnnClassifier}, k=20) of test images as queries against the
 *       evaluation items as the index: v1/v1 (the consumer's old index and model: its ceiling
 *       without re-indexing), v2 raw and aligned against the v1 index, and v2/v2 (re-indexed).
 * </ul>
 *
 * <p>Also times {@link OrthogonalProcrustes#fit} on random 1,024-row data at each of {@code
 * --fit-dims}, first call (cold JIT, as in a fresh learner) and second.
 *
 * <p>Arguments (all optional): {@code --v1-steps=500 --v2-steps=1500 --batch=256 --items=10000
 * --reference=1024 --ks=10,20 --queries=10000 --seed=42 --fit-dims=256,512 --device=auto
 * --out=FILE}.
 */
public final class VersionAlignmentBenchmark {

    private static final int FIT_TIMING_ROWS = 1024;
    private static final int EMBED_CHUNK = 1024;

    private VersionAlignmentBenchmark() {}

    /**
     * Runs the benchmark and prints its table; writes JSON when {@code --out} is given.
     *
     * @param args see the class comment
     * @throws IOException if Fashion-MNIST cannot be read or the results file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = BenchArgs.parse(args);
        int v1Steps = Integer.parseInt(options.getOrDefault("v1-steps", "500"));
        int v2Steps = Integer.parseInt(options.getOrDefault("v2-steps", "1500"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "256"));
        int itemCount = Integer.parseInt(options.getOrDefault("items", "10000"));
        int reference = Integer.parseInt(options.getOrDefault("reference", "1024"));
        int[] ks = BenchArgs.ints(options.getOrDefault("ks", "10,20"));
        int queryCount = Integer.parseInt(options.getOrDefault("queries", "10000"));
        long seed = Long.parseLong(options.getOrDefault("seed", "42"));
        int[] fitDims = BenchArgs.ints(options.getOrDefault("fit-dims", "256,512"));
        DeviceChoice device = DeviceChoice.parse(options.getOrDefault("device", "auto"));
        if (v1Steps < 1 || v2Steps <= v1Steps || batch < 2 || reference < 2) {
            throw new IllegalArgumentException(
                    "Need 1 <= --v1-steps < --v2-steps, --batch >= 2 and --reference >= 2. Got: "
                            + options);
        }
        if (itemCount <= reference + ks[ks.length - 1]) {
            throw new IllegalArgumentException(
                    "--items must leave more than k items after the reference set. Got: "
                            + itemCount);
        }

        Map<String, Object> report = BenchReport.start("version-alignment");
        report.put("fitSeconds", fitTimings(fitDims, seed));

        Dataset train = FashionMnist.load(Split.TRAIN);
        Dataset test = FashionMnist.load(Split.TEST).head(queryCount);
        ModelSpec spec = ModelSpec.of(train.featureDim());
        TrainerConfig config = TrainerConfig.defaults(spec).withSeed(seed);
        ViewGenerator views = ViewGenerator.symmetric(Augmentations.parse("default", train), seed);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("spec", spec.toString());
        setup.put("device", device.resolve().toString());
        setup.put("batch", batch);
        setup.put("v1Steps", v1Steps);
        setup.put("v2Steps", v2Steps);
        setup.put("items", itemCount);
        setup.put("referenceItems", reference);
        setup.put("queries", test.rows());
        setup.put("seed", seed);
        report.put("setup", setup);
        System.out.printf(Locale.ROOT, "Setup: %s%n", setup);

        long started = System.nanoTime();
        byte[][] versions = train(config, device, train, views, batch, v1Steps, v2Steps);
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        report.put("trainSeconds", Stats.thousandths(trainSeconds));
        System.out.printf(Locale.ROOT, "Trained to step %d in %.1f s%n", v2Steps, trainSeconds);

        Dataset items = train.head(itemCount);
        float[][] itemRows = items.featureMatrix();
        float[][] testRows = test.featureMatrix();
        float[][] v1 = embed(versions[0], spec, device, itemRows);
        float[][] v2 = embed(versions[1], spec, device, itemRows);
        float[][] v1Test = embed(versions[0], spec, device, testRows);
        float[][] v2Test = embed(versions[1], spec, device, testRows);

        started = System.nanoTime();
        OrthogonalProcrustes alignment =
                OrthogonalProcrustes.fit(head(v2, reference), head(v1, reference));
        double fitSeconds = (System.nanoTime() - started) / 1e9;
        float[][] v1Eval = tail(v1, reference);
        float[][] v2Eval = tail(v2, reference);
        float[][] v2Aligned = alignment.apply(v2Eval);
        // The sanity rows: version 1 against itself under a random rotation, fitted the same way.
        float[][] v1Rotated = multiply(v1, randomOrthogonal(new Random(seed), v1[0].length));
        float[][] v1RotatedEval = tail(v1Rotated, reference);
        float[][] v1RotatedAligned =
                OrthogonalProcrustes.fit(head(v1Rotated, reference), head(v1, reference))
                        .apply(v1RotatedEval);

        Map<String, Object> fit = new LinkedHashMap<>();
        fit.put("dimension", alignment.dimension());
        fit.put("seconds", Stats.thousandths(fitSeconds));
        fit.put(
                "relativeResidualReferenceRaw",
                relativeResidual(head(v2, reference), head(v1, reference)));
        fit.put(
                "relativeResidualReferenceAligned",
                relativeResidual(alignment.apply(head(v2, reference)), head(v1, reference)));
        fit.put("relativeResidualEvaluationRaw", relativeResidual(v2Eval, v1Eval));
        fit.put("relativeResidualEvaluationAligned", relativeResidual(v2Aligned, v1Eval));
        report.put("alignment", fit);
        System.out.printf(Locale.ROOT, "Alignment: %s%n", fit);

        List<Map<String, Object>> overlaps = new ArrayList<>();
        for (int k : ks) {
            started = System.nanoTime();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("k", k);
            row.put("withinVersions v1 vs v2", NeighbourOverlap.meanOverlap(v1Eval, v2Eval, k));
            row.put(
                    "v2 queries on v1 index, raw",
                    NeighbourOverlap.crossVersionOverlap(v1Eval, v2Eval, k));
            row.put(
                    "v2 queries on v1 index, aligned",
                    NeighbourOverlap.crossVersionOverlap(v1Eval, v2Aligned, k));
            if (k == ks[0]) {
                row.put(
                        "sanity: v1 randomly rotated, raw",
                        NeighbourOverlap.crossVersionOverlap(v1Eval, v1RotatedEval, k));
                row.put(
                        "sanity: v1 randomly rotated, aligned",
                        NeighbourOverlap.crossVersionOverlap(v1Eval, v1RotatedAligned, k));
            }
            row.put("seconds", Stats.thousandths((System.nanoTime() - started) / 1e9));
            overlaps.add(row);
            System.out.printf(Locale.ROOT, "overlap@%d: %s%n", k, row);
        }
        report.put("overlap", overlaps);

        int[] labels = tail(items.labels().orElseThrow(), reference);
        int[] testLabels = test.labels().orElseThrow();
        KnnClassifier knn = new KnnClassifier(KnnClassifier.DEFAULT_K);
        Map<String, Object> accuracy = new LinkedHashMap<>();
        accuracy.put("k", knn.k());
        accuracy.put(
                "v1 queries, v1 index (ceiling without re-indexing)",
                knn.accuracy(v1Eval, labels, v1Test, testLabels));
        accuracy.put("v2 queries, v1 index, raw", knn.accuracy(v1Eval, labels, v2Test, testLabels));
        accuracy.put(
                "v2 queries, v1 index, aligned",
                knn.accuracy(v1Eval, labels, alignment.apply(v2Test), testLabels));
        accuracy.put(
                "v2 queries, v2 index (re-indexed)",
                knn.accuracy(v2Eval, labels, v2Test, testLabels));
        report.put("knnAccuracy", accuracy);
        System.out.printf(Locale.ROOT, "kNN accuracy: %s%n", accuracy);

        String out = options.get("out");
        if (out != null) {
            BenchReport.write(Path.of(out), report);
        }
    }

    /**
     * Trains in batches of the images in file order, pass after pass (as {@code demo --bare}), and
     * returns the checkpoints at the two steps.
     */
    private static byte[][] train(
            TrainerConfig config,
            DeviceChoice device,
            Dataset data,
            ViewGenerator views,
            int batch,
            int v1Steps,
            int v2Steps) {
        byte[][] versions = new byte[2][];
        float[][] first = new float[batch][];
        float[][] second = new float[batch][];
        long index = 0;
        int rows = data.rows();
        try (VicregTrainer trainer = VicregTrainer.create(config, device)) {
            // A skipped (non-finite) step does not count; the cap only guards against a loop.
            for (long attempts = 0; trainer.step() < v2Steps; attempts++) {
                if (attempts > 2L * v2Steps) {
                    throw new IllegalStateException(
                            "More than half the steps were skipped; stopped at step "
                                    + trainer.step());
                }
                for (int i = 0; i < batch; i++, index++) {
                    ViewPair pair = views.views(data.features((int) (index % rows)), index);
                    first[i] = pair.first();
                    second[i] = pair.second();
                }
                trainer.step(first, second);
                if (trainer.step() == v1Steps && versions[0] == null) {
                    versions[0] = trainer.checkpoint();
                }
            }
            versions[1] = trainer.checkpoint();
        }
        return versions;
    }

    private static float[][] embed(
            byte[] checkpoint, ModelSpec spec, DeviceChoice device, float[][] rows) {
        float[][] out = new float[rows.length][];
        try (InferenceModel model =
                InferenceModel.create(ModelWeights.fromCheckpoint(checkpoint, spec), device)) {
            for (int start = 0; start < rows.length; start += EMBED_CHUNK) {
                int end = Math.min(rows.length, start + EMBED_CHUNK);
                float[][] chunk = model.embed(Arrays.copyOfRange(rows, start, end));
                System.arraycopy(chunk, 0, out, start, end - start);
            }
        }
        return out;
    }

    /** Seconds of a first and a second fit on random 1,024-row data at each dimension. */
    private static List<Map<String, Object>> fitTimings(int[] dims, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int d : dims) {
            Random random = new Random(seed);
            float[][] source = gaussian(random, FIT_TIMING_ROWS, d);
            float[][] target = gaussian(random, FIT_TIMING_ROWS, d);
            double[] seconds = new double[2];
            for (int i = 0; i < seconds.length; i++) {
                long start = System.nanoTime();
                OrthogonalProcrustes.fit(source, target);
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("dimension", d);
            row.put("rows", FIT_TIMING_ROWS);
            row.put("firstSeconds", Stats.thousandths(seconds[0]));
            row.put("secondSeconds", Stats.thousandths(seconds[1]));
            rows.add(row);
            System.out.printf(
                    Locale.ROOT,
                    "fit, %d rows of %d: %.2f s first, %.2f s second%n",
                    FIT_TIMING_ROWS,
                    d,
                    seconds[0],
                    seconds[1]);
        }
        return rows;
    }

    /** \( \lVert A - B \rVert_F / \lVert B \rVert_F \). */
    private static double relativeResidual(float[][] a, float[][] b) {
        double error = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double e = a[i][j] - b[i][j];
                error += e * e;
                norm += (double) b[i][j] * b[i][j];
            }
        }
        return Stats.thousandths(Math.sqrt(error / norm));
    }

    private static float[][] gaussian(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return m;
    }

    /** A random orthogonal matrix: Gram–Schmidt (twice) of Gaussian rows. */
    private static double[][] randomOrthogonal(Random random, int d) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < i; k++) {
                    double c = 0;
                    for (int j = 0; j < d; j++) {
                        c += q[i][j] * q[k][j];
                    }
                    for (int j = 0; j < d; j++) {
                        q[i][j] -= c * q[k][j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < d; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    private static float[][] multiply(float[][] rows, double[][] q) {
        int d = q[0].length;
        float[][] out = new float[rows.length][d];
        for (int i = 0; i < rows.length; i++) {
            double[] sum = new double[d];
            for (int a = 0; a < q.length; a++) {
                double x = rows[i][a];
                for (int b = 0; b < d; b++) {
                    sum[b] += x * q[a][b];
                }
            }
            for (int b = 0; b < d; b++) {
                out[i][b] = (float) sum[b];
            }
        }
        return out;
    }

    private static float[][] head(float[][] rows, int n) {
        return Arrays.copyOf(rows, n);
    }

    private static float[][] tail(float[][] rows, int from) {
        return Arrays.copyOfRange(rows, from, rows.length);
    }

    private static int[] tail(int[] values, int from) {
        return Arrays.copyOfRange(values, from, values.length);
    }
}
