package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.analysis.EffectiveRank;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.StepResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's measurements: Kafka Streams metrics (group {@code vicreg}, over JMX with the other
 * Streams metrics; see {@link TrainingSensors} for the names) and the collapse warning in the log
 * ({@link CollapseDetector}), from the projection std of every step and the effective rank of a
 * step's embeddings every {@value #RANK_EVERY_STEPS} steps.
 */
final class TrainerMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainerMetrics.class);

    /**
     * The rank of 256 × 512 embeddings costs ~60 ms on one core, longer than a training step: it is
     * taken every {@value} steps, on at most {@link #RANK_ROWS} rows (an eighth of the work).
     */
    static final int RANK_EVERY_STEPS = 20;

    static final int RANK_ROWS = 128;

    private final TrainingSensors sensors;
    private final CollapseDetector detector;
    private long steps;
    private long incomingPairs;
    private long trainedPairs;

    TrainerMetrics(ProcessorContext<?, ?> context, CollapseDetector.Thresholds thresholds) {
        this.sensors = TrainingSensors.register(context.metrics(), context.taskId().toString());
        this.detector = new CollapseDetector(thresholds);
    }

    void recordStep(MetricsEvent event, StepResult result) {
        sensors.record(event);
        double rank = Double.NaN;
        if (steps++ % RANK_EVERY_STEPS == 0) {
            rank = effectiveRank(result);
            sensors.recordEffectiveRank(rank);
        }
        sensors.recordCollapse(detector.check(result.step(), result.projectionStdMean(), rank));
    }

    /**
     * The effective rank of up to {@link #RANK_ROWS} finite rows of the step's representations, or
     * NaN when fewer than two are finite. Monitoring must never stop training: a pair of extreme
     * inputs gives non-finite rows (that step is skipped by the trainer), and the spectrum of such
     * rows is undefined.
     */
    private static double effectiveRank(StepResult result) {
        List<float[]> finite = new ArrayList<>(RANK_ROWS);
        for (float[] row : result.representations1()) {
            if (finite.size() == RANK_ROWS) {
                break;
            }
            if (Finite.all(row)) {
                finite.add(row);
            }
        }
        if (finite.size() < 2) {
            log.warn(
                    "No effective rank for this step: fewer than 2 finite representations, step=[{}]",
                    result.step());
            return Double.NaN;
        }
        return EffectiveRank.of(finite.toArray(new float[0][]));
    }

    /**
     * Records an incoming batch's replay.
     *
     * @param bufferSize pairs in the buffer after it
     * @param replaySteps the replay steps it took
     * @param incoming the incoming batch's pairs
     * @param replayed the pairs of its replay steps
     */
    void recordReplay(int bufferSize, int replaySteps, int incoming, int replayed) {
        incomingPairs += incoming;
        trainedPairs += incoming + replayed;
        double updatesPerPair =
                incomingPairs == 0 ? Double.NaN : (double) trainedPairs / incomingPairs;
        sensors.recordReplay(bufferSize, replaySteps, updatesPerPair);
    }

    void recordCheckpoint(long step, long timestampMs) {
        sensors.recordCheckpoint(step, timestampMs);
    }

    @Override
    public void close() {
        sensors.close();
    }
}
