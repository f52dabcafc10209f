/**
 * Seeing the learner learn: an HTTP server beside the learner with a live dashboard, health checks
 * for orchestrators, Prometheus metrics and the latest model as a download.
 *
 * <p>Start with {@link io.github.vicregstreams.monitor.LearnerMonitor#start}, configured by {@link
 * io.github.vicregstreams.monitor.MonitorConfig}. The monitor reads the learner's output topics and
 * its {@link io.github.vicregstreams.monitor.StreamsView}. It is a consumer of the learner, like
 * {@code eval}: it may use {@code topology} (the names of the metrics it registers), {@code eval}
 * and the bottom floor, and nothing below it uses the monitor. The collapse and rank maths it
 * shares with the trainer live in {@code analysis}.
 */
package io.github.vicregstreams.monitor;
