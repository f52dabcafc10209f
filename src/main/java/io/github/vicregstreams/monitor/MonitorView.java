package io.github.vicregstreams.monitor;

import java.time.Clock;

/**
 * What the monitor's pages are made from, read afresh on every request: the model the topic reader
 * and the analysis keep up to date, the learner's Kafka Streams state and metrics, the
 * configuration and the clock ages are measured on.
 *
 * @param config the monitor's configuration
 * @param model what the monitor has read and computed
 * @param streams the learner's Kafka Streams instance
 * @param clock the clock for ages
 */
record MonitorView(MonitorConfig config, MonitorModel model, StreamsView streams, Clock clock) {

    /** The learner's health now (one read of the Streams state, which it carries). */
    Health health() {
        return Health.evaluate(streams.state(), model, config.maxSkippedSteps());
    }

    /** Seconds from {@code epochMs} to now, never negative. */
    double ageSeconds(long epochMs) {
        return Math.max(0, clock.millis() - epochMs) / 1000.0;
    }
}
