package io.github.vicregstreams.bench;

import io.github.vicregstreams.cli.VicregStreams;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.FashionMnist;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.eval.Evaluation;
import io.github.vicregstreams.eval.EvaluationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the learner holds up under the augmentations a user chooses (issue #17): for each cell of a
 * grid of augmentations (shift, noise, erasing, flips), one streamed {@code demo --augment} pass of
 * Fashion-MNIST (embedded broker, the learner, the producer, as {@code run} with {@code produce}
 * would do) under the learner settings given, then the linear probe on all labels, beside raw
 * pixels. With the demo's defaults for images ({@code train.source=samples}, replay) the cell is
 * the learner's {@code train.augmentation}: the producer sends raw images and the learner draws the
 * views; with {@code --learner='train.source=views'} the producer makes them.
 *
 * <pre>
 * java -cp target/vicreg-streams.jar io.github.vicregstreams.bench.AugmentationGridBenchmark \
 *     --shifts=1,2,3 --noise=0,0.05,0.1 --erase=off,on --flip=off,on \
 *     --learner='model.encoder=conv;train.replay.capacity=16384' --out=bench-results/augmentation-grid.json
 * </pre>
 *
 * <p>Each cell is a whole demo run (about 1–4 minutes of training on 2 cores, plus the evaluation):
 * the full 36-cell grid takes hours; give fewer values to run part of it.
 */
public final class AugmentationGridBenchmark {

    private AugmentationGridBenchmark() {}

    /** One cell: the producer's augmentation and what the learner made of it. */
    record Cell(String augment, double probe, double raw, double untrained, double seconds) {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = BenchArgs.parse(args);
        List<String> shifts = list(options.getOrDefault("shifts", "1,2,3"));
        List<String> noises = list(options.getOrDefault("noise", "0,0.05,0.1"));
        List<String> erases = list(options.getOrDefault("erase", "off,on"));
        List<String> flips = list(options.getOrDefault("flip", "off,on"));
        String learner = options.getOrDefault("learner", "");
        int limit = Integer.parseInt(options.getOrDefault("limit", "60000"));
        String seed = options.getOrDefault("seed", "42");
        Path out = Path.of(options.getOrDefault("out", "bench-results/augmentation-grid.json"));

        Dataset fit = FashionMnist.load(Split.TRAIN).head(limit);
        Dataset test = FashionMnist.load(Split.TEST);
        Map<String, Object> report = BenchReport.start("augmentation-grid");
        report.put("learner", learner);
        report.put("limit", limit);
        report.put("seed", seed);
        List<Cell> cells = new ArrayList<>();
        for (String shift : shifts) {
            for (String noise : noises) {
                for (String erase : erases) {
                    for (String flip : flips) {
                        String augment = augment(shift, noise, erase, flip);
                        cells.add(runCell(augment, learner, limit, seed, fit, test));
                        report.put("cells", cells);
                        BenchReport.write(out, report); // each cell as it is done
                    }
                }
            }
        }
        System.out.println(table(cells));
    }

    /** The {@code --augment} spec of a cell: noise 0 and the off switches are left out. */
    static String augment(String shift, String noise, String erase, String flip) {
        List<String> steps = new ArrayList<>();
        steps.add("shift:" + shift);
        if (flip.equals("on")) {
            steps.add("flip:0.5");
        }
        if (erase.equals("on")) {
            steps.add("erase:0.25");
        }
        if (Double.parseDouble(noise) > 0) {
            steps.add("noise:" + noise);
        }
        return String.join(",", steps);
    }

    private static Cell runCell(
            String augment, String learner, int limit, String seed, Dataset fit, Dataset test)
            throws IOException {
        Path checkpoint = Files.createTempFile("vicreg-grid-", ".ckpt");
        try {
            List<String> args = new ArrayList<>(List.of("demo", "--skip-evaluation"));
            args.addAll(List.of("--augment", augment, "--seed", seed, "--limit", "" + limit));
            args.addAll(List.of("--save-checkpoint", checkpoint.toString()));
            for (String setting : learner.split(";")) {
                if (!setting.isBlank()) {
                    args.add(setting.trim());
                }
            }
            System.out.println("cell " + augment + ": " + String.join(" ", args));
            long started = System.nanoTime();
            StringWriter output = new StringWriter();
            var cli = VicregStreams.commandLine(); // picocli stays the cli package's import
            cli.setOut(new PrintWriter(output, true));
            int exit = cli.execute(args.toArray(String[]::new));
            if (exit != 0) {
                throw new IllegalStateException(
                        "demo failed (exit " + exit + ") for " + augment + ":\n" + output);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            EvaluationReport evaluation =
                    Evaluation.builder()
                            .build()
                            .evaluate(Files.readAllBytes(checkpoint), fit, test);
            List<EvaluationReport.Row> rows = evaluation.rows();
            Cell cell =
                    new Cell(
                            augment,
                            evaluation.learned().probeAllLabels(),
                            rows.get(0).probeAllLabels(),
                            rows.get(1).probeAllLabels(),
                            seconds);
            System.out.println(table(List.of(cell)));
            return cell;
        } finally {
            Files.deleteIfExists(checkpoint);
        }
    }

    /** A markdown table of the cells, with the mean and the margin over raw pixels. */
    static String table(List<Cell> cells) {
        StringBuilder sb =
                new StringBuilder(
                        "| producer augmentation | learned probe | raw pixels | untrained | demo s |\n"
                                + "|---|---|---|---|---|\n");
        double sum = 0;
        double worstMargin = Double.POSITIVE_INFINITY;
        for (Cell c : cells) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| `%s` | %.2f%% | %.2f%% | %.2f%% | %.0f |%n",
                            c.augment(),
                            100 * c.probe(),
                            100 * c.raw(),
                            100 * c.untrained(),
                            c.seconds()));
            sum += c.probe();
            worstMargin = Math.min(worstMargin, c.probe() - c.raw());
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "mean %.2f%% over %d cells; worst margin over raw pixels %+.2f points%n",
                        100 * sum / cells.size(),
                        cells.size(),
                        100 * worstMargin));
        return sb.toString();
    }

    private static List<String> list(String values) {
        List<String> list = new ArrayList<>();
        for (String v : values.split(",")) {
            list.add(v.trim());
        }
        return list;
    }
}
