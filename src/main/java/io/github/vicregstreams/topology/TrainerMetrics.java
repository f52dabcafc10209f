package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.StepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's measurements as Kafka Streams metrics (group {@code vicreg}, visible over JMX
 * with the other Streams metrics), and the collapse warning in the log.
 *
 * <p>Gauges hold the last step's value: {@code vicreg-loss}, {@code vicreg-invariance}, {@code
 * vicreg-variance}, {@code vicreg-covariance}, {@code vicreg-projection-std-min}, {@code
 * vicreg-projection-std-mean}, {@code vicreg-pairs-per-second}, {@code vicreg-model-step}.
 * Counters: {@code vicreg-steps-total}, {@code vicreg-skipped-steps-total}, {@code
 * vicreg-checkpoints-total}.
 */
final class TrainerMetrics implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrainerMetrics.class);

  private final StreamsMetrics metrics;
  private final Map<String, String> tags = new LinkedHashMap<>();
  private final List<Sensor> sensors = new ArrayList<>();
  private final double collapseStdThreshold;
  private final Sensor loss;
  private final Sensor invariance;
  private final Sensor variance;
  private final Sensor covariance;
  private final Sensor stdMin;
  private final Sensor stdMean;
  private final Sensor pairsPerSecond;
  private final Sensor modelStep;
  private final Sensor steps;
  private final Sensor skipped;
  private final Sensor checkpoints;
  private boolean collapsed;

  TrainerMetrics(ProcessorContext<?, ?> context, double collapseStdThreshold) {
    this.metrics = context.metrics();
    this.collapseStdThreshold = collapseStdThreshold;
    tags.put("task-id", context.taskId().toString());
    loss = gauge("vicreg-loss", "VICReg loss of the last step");
    invariance = gauge("vicreg-invariance", "Invariance term of the last step, unweighted");
    variance = gauge("vicreg-variance", "Variance terms v(Z)+v(Z') of the last step, unweighted");
    covariance =
        gauge("vicreg-covariance", "Covariance terms c(Z)+c(Z') of the last step, unweighted");
    stdMin = gauge("vicreg-projection-std-min", "Smallest per-dimension projection std");
    stdMean = gauge("vicreg-projection-std-mean", "Mean per-dimension projection std");
    pairsPerSecond = gauge("vicreg-pairs-per-second", "Pairs trained per second, last step");
    modelStep = gauge("vicreg-model-step", "The model's step counter");
    steps = counter("vicreg-steps-total", "Training steps, applied or skipped");
    skipped = counter("vicreg-skipped-steps-total", "Steps skipped for a non-finite loss");
    checkpoints = counter("vicreg-checkpoints-total", "Checkpoints written");
  }

  void recordStep(StepResult result, double pairsPerSecondValue) {
    loss.record(result.loss().total());
    invariance.record(result.loss().invariance());
    variance.record(result.loss().variance());
    covariance.record(result.loss().covariance());
    stdMin.record(result.projectionStdMin());
    stdMean.record(result.projectionStdMean());
    if (Double.isFinite(pairsPerSecondValue)) {
      pairsPerSecond.record(pairsPerSecondValue);
    }
    modelStep.record(result.step());
    steps.record();
    if (!result.applied()) {
      skipped.record();
    }
    warnOnCollapse(result);
  }

  void recordCheckpoint() {
    checkpoints.record();
  }

  /** Says so loudly once when the projections collapse, and once when they recover. */
  private void warnOnCollapse(StepResult result) {
    double min = result.projectionStdMin();
    if (!collapsed && min < collapseStdThreshold) {
      collapsed = true;
      log.warn(
          "REPRESENTATION COLLAPSE: a projection dimension's std fell to {} (threshold {}) at step"
              + " {}; mean std {}. Check the loss weights (variance term), the learning rate and"
              + " the augmentations.",
          min,
          collapseStdThreshold,
          result.step(),
          result.projectionStdMean());
    } else if (collapsed && min >= collapseStdThreshold) {
      collapsed = false;
      log.info(
          "Projection std back above the collapse threshold: min=[{}] step=[{}]", min, result.step());
    }
  }

  private Sensor gauge(String name, String description) {
    Sensor sensor = newSensor(name);
    sensor.add(new MetricName(name, DeadLetterCounter.METRIC_GROUP, description, tags), new Value());
    return sensor;
  }

  private Sensor counter(String name, String description) {
    Sensor sensor = newSensor(name);
    sensor.add(
        new MetricName(name, DeadLetterCounter.METRIC_GROUP, description, tags),
        new CumulativeCount());
    return sensor;
  }

  private Sensor newSensor(String name) {
    Sensor sensor = metrics.addSensor("vicreg." + tags.get("task-id") + "." + name, Sensor.RecordingLevel.INFO);
    sensors.add(sensor);
    return sensor;
  }

  @Override
  public void close() {
    sensors.forEach(metrics::removeSensor);
    sensors.clear();
  }
}
