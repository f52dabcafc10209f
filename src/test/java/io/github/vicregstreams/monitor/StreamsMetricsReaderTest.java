package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.topology.BackfillSensors;
import io.github.vicregstreams.topology.DeadLetterCounter;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.junit.jupiter.api.Test;

/** The monitor's reading of the backfill's gauges, which one task of the application has. */
class StreamsMetricsReaderTest {

    @Test
    void shouldReadTheBackfillGaugeOfTheTaskThatHasIt() {
        try (Metrics metrics = new Metrics()) {
            gauge(metrics, BackfillSensors.SERVED_VERSION, "3_0", 2);
            gauge(metrics, "another-metric", "3_0", 99);

            assertThat(
                            StreamsMetricsReader.vicregGauge(
                                    metrics.metrics(), BackfillSensors.SERVED_VERSION))
                    .isEqualTo(2.0);
            assertThat(StreamsMetricsReader.vicregGauge(metrics.metrics(), BackfillSensors.VERSION))
                    .as("versions off, or the backfill on another instance")
                    .isNaN();
        }
    }

    private static void gauge(Metrics metrics, String name, String task, double value) {
        Sensor sensor = metrics.sensor(name + task);
        sensor.add(
                new MetricName(name, DeadLetterCounter.METRIC_GROUP, "", Map.of("task-id", task)),
                new Value());
        sensor.record(value);
    }
}
