package io.github.vicregstreams.monitor;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the monitor reads from the running Kafka Streams instance: its state and its metrics. An
 * interface so that tests can show the monitor any state.
 */
public interface StreamsView {

    /**
     * The instance's state.
     *
     * @return the state
     */
    KafkaStreams.State state();

    /**
     * The instance's metrics, including its clients' and the custom ones.
     *
     * @return the metrics by name
     */
    Map<MetricName, ? extends Metric> metrics();

    /**
     * A view of a real instance.
     *
     * @param streams the instance
     * @return a view that reads it on every call
     */
    static StreamsView of(KafkaStreams streams) {
        Objects.requireNonNull(streams, "streams must not be null");
        return new StreamsView() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public Map<MetricName, ? extends Metric> metrics() {
                return streams.metrics();
            }
        };
    }
}
