/**
 * Benchmarks with {@code main} entry points: they measure speed and print it, never assert it.
 * Start with {@link io.github.vicregstreams.bench.TrainingBenchmark}.
 */
package io.github.vicregstreams.bench;
