/**
 * Seeing the learner learn: an HTTP server beside the learner with a live dashboard, health checks
 * for orchestrators, Prometheus metrics and the latest model as a download; plus the measurements
 * it shares with the trainer, {@link io.github.vicregstreams.monitor.EffectiveRank} and {@link
 * io.github.vicregstreams.monitor.CollapseDetector}, and {@link
 * io.github.vicregstreams.monitor.TrainingSensors}, which publishes them as Kafka Streams metrics.
 *
 * <p>Start with {@link io.github.vicregstreams.monitor.LearnerMonitor#start}, configured by {@link
 * io.github.vicregstreams.monitor.MonitorConfig}. The monitor reads only the learner's output
 * topics and its {@link io.github.vicregstreams.monitor.StreamsView}: it depends on {@code events}
 * and {@code vicreg}, never on {@code topology}, so that the topology can use its measurements.
 */
package io.github.vicregstreams.monitor;
