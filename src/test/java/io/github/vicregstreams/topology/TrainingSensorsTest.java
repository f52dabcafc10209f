package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.MetricsEvent;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class TrainingSensorsTest {

    private final StreamsMetrics metrics = new MockProcessorContext<>().metrics();

    @Test
    void shouldPublishEachMeasurementAsAStreamsMetricOfTheVicregGroup() {
        try (TrainingSensors sensors = TrainingSensors.register(metrics, "1_0")) {
            // When two steps are recorded, the second one skipped
            sensors.record(
                    new MetricsEvent(4, 1_000, 32, 9.5, 0.25, 1.5, 0.75, 0.2, 0.6, 800, true));
            sensors.record(
                    new MetricsEvent(
                            5, 2_000, 32, Double.NaN, Double.NaN, 1, 1, 0.2, 0.6, 700, false));
            sensors.recordEffectiveRank(3.5);
            sensors.recordCollapse(CollapseDetector.Verdict.HEALTHY);

            // Then
            assertThat(value(TrainingSensors.STEP)).isEqualTo(5.0);
            assertThat(value(TrainingSensors.STEPS_TOTAL)).isEqualTo(2.0);
            assertThat(value(TrainingSensors.SKIPPED_STEPS_TOTAL)).isEqualTo(1.0);
            assertThat(value(TrainingSensors.LOSS)).isNaN();
            assertThat(value(TrainingSensors.LOSS_VARIANCE)).isEqualTo(1.0);
            assertThat(value(TrainingSensors.PROJECTION_STD_MEAN)).isEqualTo(0.6);
            assertThat(value(TrainingSensors.PAIRS_PER_SECOND)).isEqualTo(700.0);
            assertThat(value(TrainingSensors.EFFECTIVE_RANK)).isEqualTo(3.5);
            assertThat(value(TrainingSensors.COLLAPSE_WARNING)).isZero();
            MetricName name = name(TrainingSensors.LOSS);
            assertThat(name.group()).isEqualTo("vicreg");
            assertThat(name.tags()).isEqualTo(Map.of("task-id", "1_0"));
        }
    }

    @Test
    void shouldMeasureTheCheckpointAgeWhenRead() {
        try (TrainingSensors sensors = TrainingSensors.register(metrics, "1_0")) {
            long tenSecondsAgo = System.currentTimeMillis() - 10_000;
            sensors.recordCheckpoint(100, tenSecondsAgo);

            assertThat(value(TrainingSensors.CHECKPOINT_STEP)).isEqualTo(100.0);
            assertThat(value(TrainingSensors.CHECKPOINT_AGE_SECONDS)).isCloseTo(10.0, within(5.0));
        }
    }

    @Test
    void shouldRemoveItsMetricsWhenClosed() {
        TrainingSensors.register(metrics, "1_0").close();

        assertThat(metrics.metrics().keySet())
                .noneMatch(n -> n.group().equals(TrainingSensors.GROUP));
    }

    private MetricName name(String metric) {
        return metrics.metrics().keySet().stream()
                .filter(n -> n.name().equals(metric) && n.group().equals(TrainingSensors.GROUP))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + metric));
    }

    private double value(String metric) {
        Metric m = metrics.metrics().get(name(metric));
        return ((Number) m.metricValue()).doubleValue();
    }
}
