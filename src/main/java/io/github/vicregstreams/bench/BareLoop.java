package io.github.vicregstreams.bench;

import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@link SystemBenchmark}'s first phase: the bare training loop the topology is compared to. */
final class BareLoop {

    /** Steps measured at each batch size, after the warm-up. */
    private static final int STEPS = 30;

    private BareLoop() {}

    /**
     * Pairs per second of the bare loop on the CPU at each batch size. Warmed up as {@link
     * TrainingBenchmark} warms up (its class comment says why: page faults), so that the topology
     * is compared with the bare loop's steady state.
     *
     * @return {@code batch<N>PairsPerSecond} for each batch size {@code N}
     */
    static Map<String, Object> measure(ModelSpec spec, int[] batches) {
        Map<String, Object> bare = new LinkedHashMap<>();
        for (int b : batches) {
            double ms =
                    TrainingBenchmark.medianStepMillis(
                            spec,
                            DeviceChoice.CPU,
                            b,
                            TrainingBenchmark.DEFAULT_WARMUP_STEPS,
                            STEPS);
            bare.put(key(b), Math.round(b / (ms / 1e3)));
            System.out.printf(
                    Locale.ROOT,
                    "bare loop   batch %4d: %7.2f ms/step %8.0f pairs/s%n",
                    b,
                    ms,
                    b / (ms / 1e3));
        }
        return bare;
    }

    /** The rate {@link #measure} gave at a batch size. */
    static double pairsPerSecond(Map<String, Object> bare, int batch) {
        return ((Number) bare.get(key(batch))).doubleValue();
    }

    private static String key(int batch) {
        return "batch" + batch + "PairsPerSecond";
    }
}
