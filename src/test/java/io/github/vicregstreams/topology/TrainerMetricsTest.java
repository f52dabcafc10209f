package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerMetricsTest {

    @TempDir Path stateDir;

    private static double value(LearnerDriver d, String name) {
        Map<MetricName, ? extends Metric> metrics = d.driver.metrics();
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("vicreg"))
                .map(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    @Test
    void shouldExposeTheLastStepAsStreamsMetrics() {
        try (LearnerDriver d = new LearnerDriver(stateDir, Map.of())) {
            d.sendPairs("s", 8, 0);

            double loss = d.metrics.readValuesToList().get(1).loss();

            assertThat(value(d, TrainingSensors.STEPS_TOTAL)).isEqualTo(2);
            assertThat(value(d, TrainingSensors.STEP)).isEqualTo(2);
            assertThat(value(d, TrainingSensors.LOSS)).isEqualTo(loss);
            assertThat(value(d, TrainingSensors.PROJECTION_STD_MIN)).isPositive();
            assertThat(value(d, TrainingSensors.EFFECTIVE_RANK)).isGreaterThan(1);
            assertThat(value(d, TrainingSensors.CHECKPOINT_STEP)).isEqualTo(2);
            assertThat(value(d, TrainingSensors.SKIPPED_STEPS_TOTAL)).isZero();
        }
    }

    @Test
    void shouldWarnLoudlyWhenTheProjectionStdFallsBelowTheThreshold() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (LearnerDriver d =
                new LearnerDriver(
                        stateDir, Map.of(LearnerConfig.COLLAPSE_STD_THRESHOLD_CONFIG, 1e6))) {
            d.sendPairs("s", 8, 0);
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("COLLAPSE WARNING at step 1");
        // Once, not at every step.
        assertThat(log.split("COLLAPSE WARNING", -1)).hasSize(2);
    }

    @Test
    void shouldSkipAndCountAStepWhoseStatisticsAreNotFiniteAndKeepTraining() {
        // Valid but extreme features: the step's representations overflow float32. The effective
        // rank of them once threw from the metrics code and stopped the trainer on every restart.
        float[] extreme = new float[LearnerDriver.INPUT_DIM];
        java.util.Arrays.fill(extreme, 3e38f);
        try (LearnerDriver d = new LearnerDriver(stateDir, Map.of())) {
            d.sendRaw("x", LearnerDriver.json("x", 0, extreme, null), 0);
            d.sendRaw("x", LearnerDriver.json("x", 1, extreme, null), 0);
            d.sendPairs("s", 3, 0); // completes the first batch: x and s0..s2
            d.sendPairs("t", 4, 0); // a second, ordinary batch

            var steps = d.metrics.readValuesToList();

            assertThat(steps).hasSize(2);
            assertThat(steps.get(0).applied()).isFalse();
            assertThat(steps.get(1).applied()).isTrue();
            assertThat(value(d, TrainingSensors.SKIPPED_STEPS_TOTAL)).isEqualTo(1);
            assertThat(value(d, TrainingSensors.STEP)).isEqualTo(1);
        }
    }
}
