package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.monitor.CollapseDetector;
import io.github.vicregstreams.monitor.EffectiveRank;
import io.github.vicregstreams.monitor.TrainingSensors;
import io.github.vicregstreams.vicreg.StepResult;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The trainer's measurements: Kafka Streams metrics (group {@code vicreg}, over JMX with the
 * other Streams metrics; see {@link TrainingSensors} for the names) and the collapse warning in
 * the log ({@link CollapseDetector}), from the projection std of every step and the effective
 * rank of a step's embeddings every {@value #RANK_EVERY_STEPS} steps.
 */
final class TrainerMetrics implements AutoCloseable {

  /**
   * The rank of 256 × 512 embeddings costs ~60 ms on one core, longer than a training step: it is
   * taken every {@value} steps, on at most {@link #RANK_ROWS} rows (an eighth of the work).
   */
  static final int RANK_EVERY_STEPS = 20;

  static final int RANK_ROWS = 128;

  private final TrainingSensors sensors;
  private final CollapseDetector detector;
  private long steps;

  TrainerMetrics(ProcessorContext<?, ?> context, CollapseDetector.Thresholds thresholds) {
    this.sensors = TrainingSensors.register(context.metrics(), context.taskId().toString());
    this.detector = new CollapseDetector(thresholds);
  }

  void recordStep(MetricsEvent event, StepResult result) {
    sensors.record(event);
    double rank = Double.NaN;
    if (steps++ % RANK_EVERY_STEPS == 0) {
      float[][] representations = result.representations1();
      rank =
          EffectiveRank.of(
              representations.length <= RANK_ROWS
                  ? representations
                  : java.util.Arrays.copyOf(representations, RANK_ROWS));
      sensors.recordEffectiveRank(rank);
    }
    sensors.recordCollapse(detector.check(result.step(), result.projectionStdMean(), rank));
  }

  void recordCheckpoint(long step, long timestampMs) {
    sensors.recordCheckpoint(step, timestampMs);
  }

  @Override
  public void close() {
    sensors.close();
  }
}
