package io.github.vicregstreams.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches for representation collapse, the failure VICReg exists to prevent, and says so loudly in
 * the log.
 *
 * <p>Two signs are checked: the mean standard deviation of the projections over a batch (complete
 * collapse: every input maps to nearly the same point, so it falls towards 0, while VICReg's
 * variance term pushes it towards γ = 1), and the {@linkplain EffectiveRank effective rank} of
 * recent embeddings (dimensional collapse: the embeddings fill only a line or a plane). A NaN value
 * means "not measured" and is not checked.
 *
 * <p>When a check first fails, one WARN line names the step, the value and the threshold, and what
 * to try; while it keeps failing the warning is repeated at most once per {@code repeatEvery}; when
 * every check passes again, one INFO line says so.
 *
 * <pre>{@code
 * CollapseDetector detector = new CollapseDetector(CollapseDetector.Thresholds.DEFAULTS);
 * // after each training step:
 * detector.check(metrics.step(), metrics.embeddingStdMean(), EffectiveRank.of(embeddings));
 * }</pre>
 *
 * <p>Not thread-safe: call it from one thread (or synchronize), e.g. the trainer's stream thread.
 */
public final class CollapseDetector {

    private static final Logger log = LoggerFactory.getLogger(CollapseDetector.class);

    /** How often a persisting collapse is reported again by default. */
    public static final Duration DEFAULT_REPEAT_EVERY = Duration.ofMinutes(1);

    /**
     * The thresholds below which a measurement means collapse.
     *
     * @param minProjectionStd the smallest healthy mean standard deviation of the projections (the
     *     variance term aims at γ = 1); 0 disables the check
     * @param minEffectiveRank the smallest healthy effective rank of recent embeddings; 0 disables
     *     the check
     */
    public record Thresholds(double minProjectionStd, double minEffectiveRank) {

        /** The default mean projection std threshold: a tenth of the variance target γ = 1. */
        public static final double DEFAULT_MIN_PROJECTION_STD = 0.1;

        /** The default effective rank threshold: embeddings that fill less than a plane. */
        public static final double DEFAULT_MIN_EFFECTIVE_RANK = 2.0;

        /** Both defaults. */
        public static final Thresholds DEFAULTS =
                new Thresholds(DEFAULT_MIN_PROJECTION_STD, DEFAULT_MIN_EFFECTIVE_RANK);

        /**
         * Creates thresholds.
         *
         * @throws IllegalArgumentException if a threshold is negative or not finite
         */
        public Thresholds {
            requireThreshold("minProjectionStd", minProjectionStd);
            requireThreshold("minEffectiveRank", minEffectiveRank);
        }

        private static void requireThreshold(String name, double value) {
            if (!(value >= 0.0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        name + " must be finite and at least 0. Got: " + value);
            }
        }
    }

    /**
     * The outcome of one check.
     *
     * @param collapsed whether any check failed
     * @param reasons one sentence per failed check, empty when healthy
     */
    public record Verdict(boolean collapsed, List<String> reasons) {

        /** A healthy verdict. */
        public static final Verdict HEALTHY = new Verdict(false, List.of());

        /** Creates a verdict; the reasons are copied. */
        public Verdict {
            reasons = List.copyOf(reasons);
        }
    }

    private final Thresholds thresholds;
    private final long repeatEveryNanos;
    private final LongSupplier nanoTime;
    private final Consumer<String> warn;
    private final Consumer<String> info;

    private Verdict last = Verdict.HEALTHY;
    private long lastWarningNanos;

    /**
     * Creates a detector that logs through slf4j and repeats a warning every minute.
     *
     * @param thresholds the thresholds
     */
    public CollapseDetector(Thresholds thresholds) {
        this(thresholds, DEFAULT_REPEAT_EVERY, System::nanoTime, log::warn, log::info);
    }

    /** For tests: an own clock and log sinks. */
    CollapseDetector(
            Thresholds thresholds,
            Duration repeatEvery,
            LongSupplier nanoTime,
            Consumer<String> warn,
            Consumer<String> info) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds must not be null");
        this.repeatEveryNanos = Objects.requireNonNull(repeatEvery, "repeatEvery").toNanos();
        this.nanoTime = nanoTime;
        this.warn = warn;
        this.info = info;
    }

    /**
     * Checks one set of measurements, logging when collapse starts, persists or ends.
     *
     * @param step the training step they belong to
     * @param projectionStdMean the mean per-dimension std of the projections, NaN if unknown
     * @param effectiveRank the effective rank of recent embeddings, NaN if unknown
     * @return the verdict
     */
    public Verdict check(long step, double projectionStdMean, double effectiveRank) {
        Verdict verdict = evaluate(projectionStdMean, effectiveRank);
        long now = nanoTime.getAsLong();
        if (verdict.collapsed()) {
            if (!last.collapsed() || now - lastWarningNanos >= repeatEveryNanos) {
                warn.accept(
                        "COLLAPSE WARNING at step "
                                + step
                                + ": "
                                + String.join("; ", verdict.reasons())
                                + ". The model is losing the information in its inputs: check that"
                                + " the two views of a pair differ, raise loss.mu.var, or lower"
                                + " train.learning.rate.");
                lastWarningNanos = now;
            }
        } else if (last.collapsed()) {
            info.accept(
                    "Collapse warning cleared at step "
                            + step
                            + ": the measurements are healthy again");
        }
        last = verdict;
        return verdict;
    }

    /**
     * The verdict of the last check.
     *
     * @return healthy before the first check
     */
    public Verdict last() {
        return last;
    }

    /**
     * The thresholds it checks against.
     *
     * @return the thresholds
     */
    public Thresholds thresholds() {
        return thresholds;
    }

    private Verdict evaluate(double std, double rank) {
        List<String> reasons = new ArrayList<>(2);
        if (std < thresholds.minProjectionStd()) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "projection std (mean) is %.4g, below %.4g",
                            std,
                            thresholds.minProjectionStd()));
        }
        if (rank < thresholds.minEffectiveRank()) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "effective rank of recent embeddings is %.3g, below %.3g",
                            rank,
                            thresholds.minEffectiveRank()));
        }
        return reasons.isEmpty() ? Verdict.HEALTHY : new Verdict(true, reasons);
    }
}
