package io.github.vicregstreams.monitor;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The learner's health, as {@code /health} reports it.
 *
 * <ul>
 *   <li><b>live</b>: the Kafka Streams instance has not failed or stopped: its state is none of
 *       {@code PENDING_ERROR}, {@code ERROR}, {@code NOT_RUNNING}. A learner that is not live needs
 *       a restart.
 *   <li><b>ready</b>: live, and Kafka Streams is {@code RUNNING} (not starting or rebalancing), and
 *       the monitor has read the output topics up to where they were when it started (so the
 *       trainer's figures are current), and the trainer has not skipped the last {@code
 *       maxSkippedSteps} steps in a row (a model whose loss keeps diverging is not learning).
 * </ul>
 *
 * <p>A collapse warning does not make the learner unready: it still serves embeddings, and the
 * warning is in the body, the log and the metrics.
 *
 * @param live whether it is live
 * @param ready whether it is ready
 * @param state the Kafka Streams state
 * @param reason why it is not ready (or not live), null when ready
 */
record Health(boolean live, boolean ready, KafkaStreams.State state, String reason) {

    private static final Set<KafkaStreams.State> DEAD =
            EnumSet.of(
                    KafkaStreams.State.PENDING_ERROR,
                    KafkaStreams.State.ERROR,
                    KafkaStreams.State.NOT_RUNNING);

    /** "ready", "not ready" or "down" (not live). */
    String status() {
        return ready ? "ready" : live ? "not ready" : "down";
    }

    static Health evaluate(KafkaStreams.State state, MonitorModel model, int maxSkippedSteps) {
        if (DEAD.contains(state)) {
            return new Health(false, false, state, "Kafka Streams is " + state);
        }
        if (state != KafkaStreams.State.RUNNING) {
            return new Health(true, false, state, "Kafka Streams is " + state);
        }
        MonitorModel.ReaderState reader = model.readerState();
        if (reader == MonitorModel.ReaderState.FAILED) {
            return new Health(
                    true,
                    false,
                    state,
                    "the monitor cannot read the learner's output topics: " + model.readerDetail());
        }
        if (reader != MonitorModel.ReaderState.LIVE) {
            return new Health(
                    true,
                    false,
                    state,
                    "the monitor is still reading the learner's output topics ("
                            + model.readerDetail()
                            + ")");
        }
        long skipped = model.counters().consecutiveSkippedSteps();
        if (maxSkippedSteps > 0 && skipped >= maxSkippedSteps) {
            return new Health(
                    true,
                    false,
                    state,
                    "the trainer skipped the last "
                            + skipped
                            + " steps (non-finite loss): the model is not learning; see the"
                            + " learner's log");
        }
        return new Health(true, true, state, null);
    }
}
