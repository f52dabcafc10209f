package io.github.vicregstreams.eval;

import io.github.vicregstreams.vicreg.CheckpointInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The accuracies of an {@link Evaluation}: one row per representation, in the order raw features,
 * untrained encoder, learned encoder.
 *
 * @param checkpoint what the evaluated checkpoint holds
 * @param trainName the dataset the probes learned from
 * @param trainRows its rows
 * @param testName the dataset they were scored on
 * @param testRows its rows
 * @param labelledSubset the size of the labelled subset
 * @param k kNN's number of neighbours
 * @param rows the scores
 * @param elapsedMillis how long the evaluation took
 */
public record EvaluationReport(
        CheckpointInfo checkpoint,
        String trainName,
        int trainRows,
        String testName,
        int testRows,
        int labelledSubset,
        int k,
        List<Row> rows,
        long elapsedMillis) {

    private static final String GAIN_LABEL = "learned minus untrained (points)";

    /**
     * Copies the rows.
     *
     * @throws IllegalArgumentException if there are no rows
     */
    public EvaluationReport {
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("A report needs at least one row");
        }
    }

    /**
     * The scores of one representation.
     *
     * @param name what was scored, e.g. {@code raw features}
     * @param dim its dimension
     * @param probeAllLabels linear-probe test accuracy, fitted with all training labels
     * @param probeSubsetLabels linear-probe test accuracy, fitted with the labelled subset
     * @param knn kNN test accuracy
     * @param elapsedMillis how long this row took
     */
    public record Row(
            String name,
            int dim,
            double probeAllLabels,
            double probeSubsetLabels,
            double knn,
            long elapsedMillis) {}

    /**
     * The learned encoder's scores: the last row.
     *
     * @return the row
     */
    public Row learned() {
        return rows.get(rows.size() - 1);
    }

    /**
     * What learning gained over the untrained encoder of the same spec and seed, in points of
     * accuracy (learned minus untrained, times 100), when both rows are there.
     *
     * @return the gains, as a row named {@value #GAIN_LABEL}; empty for a report of fewer than the
     *     three rows an {@link Evaluation} makes
     */
    public Optional<Row> gainOverUntrained() {
        if (rows.size() < 3) {
            return Optional.empty();
        }
        Row untrained = rows.get(rows.size() - 2);
        Row learned = learned();
        return Optional.of(
                new Row(
                        GAIN_LABEL,
                        learned.dim(),
                        100 * (learned.probeAllLabels() - untrained.probeAllLabels()),
                        100 * (learned.probeSubsetLabels() - untrained.probeSubsetLabels()),
                        100 * (learned.knn() - untrained.knn()),
                        0));
    }

    /**
     * A table for people, e.g.
     *
     * <pre>
     * representation               dim  probe, all labels  probe, 1000 labels  kNN k=20
     * raw features                 784        84.12%            76.30%          85.01%
     * </pre>
     *
     * @return the text, ending with a newline
     */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "Evaluation of checkpoint step %d (model %s, seed %d): fit on %s (%,d rows),"
                                + " scored on %s (%,d rows), %.1f s%n",
                        checkpoint.step(),
                        checkpoint.config().spec(),
                        checkpoint.config().seed(),
                        trainName,
                        trainRows,
                        testName,
                        testRows,
                        elapsedMillis / 1000.0));
        String subsetHeader = "probe, " + labelledSubset + " labels";
        String knnHeader = "kNN k=" + k;
        int nameWidth = "representation".length();
        for (Row row : rows) {
            nameWidth = Math.max(nameWidth, row.name().length());
        }
        nameWidth = Math.max(nameWidth, GAIN_LABEL.length());
        String format = "%-" + nameWidth + "s  %5s  %17s  %" + subsetHeader.length() + "s  %9s%n";
        out.append(
                String.format(
                        Locale.ROOT,
                        format,
                        "representation",
                        "dim",
                        "probe, all labels",
                        subsetHeader,
                        knnHeader));
        for (Row row : rows) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            format,
                            row.name(),
                            row.dim(),
                            percent(row.probeAllLabels()),
                            percent(row.probeSubsetLabels()),
                            percent(row.knn())));
        }
        gainOverUntrained()
                .ifPresent(
                        gain ->
                                out.append(
                                        String.format(
                                                Locale.ROOT,
                                                format,
                                                GAIN_LABEL,
                                                "",
                                                points(gain.probeAllLabels()),
                                                points(gain.probeSubsetLabels()),
                                                points(gain.knn()))));
        return out.toString();
    }

    private static String points(double points) {
        return String.format(Locale.ROOT, "%+.2f", points);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }
}
