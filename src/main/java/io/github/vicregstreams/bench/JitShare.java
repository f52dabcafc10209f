package io.github.vicregstreams.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * The share of wall time the JIT spent compiling since a moment: the benchmarks that run Kafka in
 * their JVM warm up until it is small, since the broker, the clients and Kafka Streams are
 * thousands of methods that a fresh JVM compiles for minutes.
 *
 * @param compileMillis the JIT's total compile time at the start
 * @param startNanos the start
 */
record JitShare(long compileMillis, long startNanos) {

    /** Warm-up ends once the JIT compiles for less than this share of a round's wall time. */
    static final double QUIET = 0.1;

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    static JitShare start() {
        return new JitShare(JIT.getTotalCompilationTime(), System.nanoTime());
    }

    double sinceStart() {
        return (JIT.getTotalCompilationTime() - compileMillis)
                / ((System.nanoTime() - startNanos) / 1e6);
    }
}
