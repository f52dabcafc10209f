package io.github.vicregstreams.bench;

import java.util.Arrays;
import java.util.List;

/** The summaries the benchmarks report: medians and rounded values. */
final class Stats {

    private Stats() {}

    /** The median; of an even count, the mean of the middle two. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Rounded to three decimals, as the reports give rates, ratios and shares. */
    static double thousandths(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** {@link #thousandths} of each value. */
    static List<Double> thousandths(double[] values) {
        return Arrays.stream(values).map(Stats::thousandths).boxed().toList();
    }
}
