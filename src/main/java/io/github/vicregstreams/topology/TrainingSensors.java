package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.analysis.EffectiveRank;
import io.github.vicregstreams.events.MetricsEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The trainer's measurements as Kafka Streams metrics (group {@value #GROUP}, tagged {@code
 * task-id}), visible over JMX beside Kafka's own, under the same names the monitor's {@code
 * /metrics} uses (with dashes).
 *
 * <p>For the training processor, through {@link TrainerMetrics}: register in {@code init()}, record
 * after each step, close in {@code close()}.
 *
 * <pre>{@code
 * sensors = TrainingSensors.register(context.metrics(), context.taskId().toString());
 * sensors.record(metricsEvent);
 * sensors.recordEffectiveRank(EffectiveRank.of(embeddings));
 * sensors.recordCheckpoint(step, context.currentSystemTimeMs());
 * }</pre>
 *
 * <p>Not thread-safe: use it from the processor's stream thread.
 */
final class TrainingSensors implements AutoCloseable {

    /** The metric group, the one of every vicreg metric (the dead-letter counters' too). */
    public static final String GROUP = DeadLetterCounter.METRIC_GROUP;

    /** The latest training step. */
    public static final String STEP = "vicreg-training-step";

    /** Training steps done. */
    public static final String STEPS_TOTAL = "vicreg-training-steps-total";

    /** Training steps whose update was skipped. */
    public static final String SKIPPED_STEPS_TOTAL = "vicreg-training-skipped-steps-total";

    /** The loss of the latest step. */
    public static final String LOSS = "vicreg-loss";

    /** The invariance term of the latest step. */
    public static final String LOSS_INVARIANCE = "vicreg-loss-invariance";

    /** The variance terms of the latest step. */
    public static final String LOSS_VARIANCE = "vicreg-loss-variance";

    /** The covariance terms of the latest step. */
    public static final String LOSS_COVARIANCE = "vicreg-loss-covariance";

    /** The smallest per-dimension projection std of the latest batch. */
    public static final String PROJECTION_STD_MIN = "vicreg-projection-std-min";

    /** The mean per-dimension projection std of the latest batch. */
    public static final String PROJECTION_STD_MEAN = "vicreg-projection-std-mean";

    /** The throughput of the latest step. */
    public static final String PAIRS_PER_SECOND = "vicreg-training-pairs-per-second";

    /** The effective rank of recent embeddings. */
    public static final String EFFECTIVE_RANK = "vicreg-embedding-effective-rank";

    /** 1 while the collapse warning is on. */
    public static final String COLLAPSE_WARNING = "vicreg-collapse-warning";

    /** The step of the latest checkpoint. */
    public static final String CHECKPOINT_STEP = "vicreg-checkpoint-step";

    /** Seconds since the latest checkpoint (measured when read). */
    public static final String CHECKPOINT_AGE_SECONDS = "vicreg-checkpoint-age-seconds";

    /** Pairs in the replay buffer. */
    public static final String REPLAY_BUFFER_SIZE = "vicreg-replay-buffer-size";

    /** Replay steps done. */
    public static final String REPLAY_STEPS_TOTAL = "vicreg-replay-steps-total";

    /** Pairs trained (incoming and replayed) per incoming pair, since the trainer started. */
    public static final String REPLAY_UPDATES_PER_PAIR = "vicreg-replay-updates-per-pair";

    private final StreamsMetrics metrics;
    private final String prefix;
    private final Map<String, String> tags;
    private final List<Sensor> sensors = new ArrayList<>();
    private final Sensor step;
    private final Sensor steps;
    private final Sensor skipped;
    private final Sensor loss;
    private final Sensor invariance;
    private final Sensor variance;
    private final Sensor covariance;
    private final Sensor stdMin;
    private final Sensor stdMean;
    private final Sensor pairsPerSecond;
    private final Sensor effectiveRank;
    private final Sensor collapse;
    private final Sensor checkpointStep;
    private final Sensor checkpointAge;
    private final Sensor replayBufferSize;
    private final Sensor replaySteps;
    private final Sensor replayUpdatesPerPair;

    private TrainingSensors(StreamsMetrics metrics, String taskId) {
        this.metrics = metrics;
        this.prefix = "vicreg.training." + taskId + ".";
        this.tags = Map.of("task-id", taskId);
        step = value(STEP, "The latest training step");
        steps = sensor(STEPS_TOTAL, "Training steps done", new CumulativeCount());
        skipped =
                sensor(
                        SKIPPED_STEPS_TOTAL,
                        "Steps whose update was skipped",
                        new CumulativeCount());
        loss = value(LOSS, "VICReg loss of the latest step");
        invariance = value(LOSS_INVARIANCE, "Invariance term of the latest step, unweighted");
        variance = value(LOSS_VARIANCE, "Variance terms of the latest step, unweighted");
        covariance = value(LOSS_COVARIANCE, "Covariance terms of the latest step, unweighted");
        stdMin = value(PROJECTION_STD_MIN, "Smallest per-dimension projection std, latest batch");
        stdMean = value(PROJECTION_STD_MEAN, "Mean per-dimension projection std, latest batch");
        pairsPerSecond = value(PAIRS_PER_SECOND, "Training throughput of the latest step");
        effectiveRank = value(EFFECTIVE_RANK, "Effective rank of recent embeddings");
        collapse = value(COLLAPSE_WARNING, "1 while the collapse warning is on");
        checkpointStep = value(CHECKPOINT_STEP, "Step of the latest checkpoint");
        checkpointAge =
                sensor(CHECKPOINT_AGE_SECONDS, "Seconds since the latest checkpoint", new Age());
        replayBufferSize = value(REPLAY_BUFFER_SIZE, "Pairs in the replay buffer");
        replaySteps =
                sensor(
                        REPLAY_STEPS_TOTAL,
                        "Replay steps taken, skipped ones (non-finite, model unchanged) too",
                        new CumulativeSum());
        replayUpdatesPerPair =
                value(
                        REPLAY_UPDATES_PER_PAIR,
                        "Pairs trained, incoming and replayed, per incoming pair");
    }

    /**
     * Registers the sensors.
     *
     * @param metrics the processor context's metrics
     * @param taskId the task's id, for the tag and the sensor names
     * @return the sensors
     */
    public static TrainingSensors register(StreamsMetrics metrics, String taskId) {
        Objects.requireNonNull(metrics, "metrics must not be null");
        Objects.requireNonNull(taskId, "taskId must not be null");
        return new TrainingSensors(metrics, taskId);
    }

    /**
     * Records one training step.
     *
     * @param event the step's metrics event
     */
    public void record(MetricsEvent event) {
        long now = event.timestamp();
        step.record(event.step(), now);
        steps.record(1, now);
        if (!event.applied()) {
            skipped.record(1, now);
        }
        loss.record(event.loss(), now);
        invariance.record(event.invariance(), now);
        variance.record(event.variance(), now);
        covariance.record(event.covariance(), now);
        stdMin.record(event.embeddingStdMin(), now);
        stdMean.record(event.embeddingStdMean(), now);
        pairsPerSecond.record(event.pairsPerSecond(), now);
    }

    /**
     * Records the effective rank of recent embeddings.
     *
     * @param rank the rank (see {@link EffectiveRank})
     */
    public void recordEffectiveRank(double rank) {
        effectiveRank.record(rank);
    }

    /**
     * Records a collapse verdict.
     *
     * @param verdict the verdict of {@link CollapseDetector#check}
     */
    public void recordCollapse(CollapseDetector.Verdict verdict) {
        collapse.record(verdict.collapsed() ? 1 : 0);
    }

    /**
     * Records a checkpoint.
     *
     * @param checkpointStep its step
     * @param timestampMs when it was written, epoch milliseconds
     */
    public void recordCheckpoint(long checkpointStep, long timestampMs) {
        this.checkpointStep.record(checkpointStep, timestampMs);
        checkpointAge.record(timestampMs, timestampMs);
    }

    /**
     * Records an incoming batch's replay.
     *
     * @param bufferSize pairs in the buffer after it
     * @param steps the replay steps it took
     * @param updatesPerPair pairs trained per incoming pair since the trainer started
     */
    public void recordReplay(int bufferSize, int steps, double updatesPerPair) {
        replayBufferSize.record(bufferSize);
        replaySteps.record(steps);
        replayUpdatesPerPair.record(updatesPerPair);
    }

    /** Removes the sensors from the metrics registry. */
    @Override
    public void close() {
        sensors.forEach(metrics::removeSensor);
        sensors.clear();
    }

    private Sensor value(String name, String description) {
        return sensor(name, description, new Value());
    }

    private Sensor sensor(String name, String description, MeasurableStat stat) {
        Sensor sensor = metrics.addSensor(prefix + name, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(name, GROUP, description, tags), stat);
        sensors.add(sensor);
        return sensor;
    }

    /** Seconds from the recorded epoch-millisecond time to the time it is read. */
    private static final class Age implements MeasurableStat {
        private volatile double sinceMs = Double.NaN;

        @Override
        public void record(MetricConfig config, double value, long timeMs) {
            sinceMs = value;
        }

        @Override
        public double measure(MetricConfig config, long now) {
            return Double.isNaN(sinceMs) ? Double.NaN : Math.max(0, now - sinceMs) / 1000.0;
        }
    }
}
