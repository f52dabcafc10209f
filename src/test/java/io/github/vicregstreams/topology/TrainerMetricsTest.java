package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.monitor.TrainingSensors;
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
        new LearnerDriver(stateDir, Map.of(LearnerConfig.COLLAPSE_STD_THRESHOLD_CONFIG, 1e6))) {
      d.sendPairs("s", 8, 0);
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("COLLAPSE WARNING at step 1");
    // Once, not at every step.
    assertThat(log.split("COLLAPSE WARNING", -1)).hasSize(2);
  }
}
