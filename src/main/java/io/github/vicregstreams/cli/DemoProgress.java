package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Follows a streamed demo until every pair sent is trained: a progress line every few seconds, and
 * an end when the producer or the learner fails, when training stalls, or on Ctrl-C.
 */
final class DemoProgress {

    /** How long without a training step, once everything is sent, before evaluating anyway. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(120);

    private static final Duration POLL_WAIT = Duration.ofMillis(200);

    private final DemoPlan plan;
    private final TrainingMonitor monitor;
    private final DemoProducer producer;
    private final LearnerApp app;

    DemoProgress(DemoPlan plan, TrainingMonitor monitor, DemoProducer producer, LearnerApp app) {
        this.plan = plan;
        this.monitor = monitor;
        this.producer = producer;
        this.app = app;
    }

    /**
     * Polls the metrics until every pair sent is trained, training stalls, or {@code interrupted}.
     *
     * @param trainStarted {@link System#nanoTime()} when streaming started
     * @throws RuntimeException why the producer failed
     * @throws IllegalStateException when the learner stopped
     */
    void awaitTrained(long trainStarted, BooleanSupplier interrupted) {
        LearnerConfig config = plan.config();
        PrintWriter out = plan.out();
        long total = plan.totalPairs();
        long nextLine = plan.nextProgressLine(System.nanoTime());
        long lastTrained = 0;
        long lastLineNanos = System.nanoTime();
        while (!interrupted.getAsBoolean()) {
            monitor.poll(POLL_WAIT);
            producer.throwIfFailed();
            KafkaStreams.State state = app.streams().state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException(
                        "The learner stopped: its state is " + state + " (see the log above)");
            }
            long now = System.nanoTime();
            boolean finished = producer.done() && finished(monitor, producer.sent(), config);
            if (now >= nextLine || finished) {
                double seconds = (now - lastLineNanos) / 1e9;
                out.println(
                        progressLine(
                                (now - trainStarted) / 1e9,
                                producer.sent(),
                                total,
                                monitor,
                                (monitor.trainedPairs() - lastTrained) / Math.max(seconds, 1e-9)));
                out.flush();
                lastTrained = monitor.trainedPairs();
                lastLineNanos = now;
                nextLine = plan.nextProgressLine(now);
            }
            if (finished) {
                return;
            }
            if (monitor.idleSeconds() > STALL_TIMEOUT.toSeconds() && producer.done()) {
                plan.err()
                        .printf(
                                Locale.ROOT,
                                "warning: no training step for %d s with %,d of %,d pairs trained;"
                                        + " evaluating what there is (dead letters are on %s)%n",
                                STALL_TIMEOUT.toSeconds(),
                                monitor.trainedPairs(),
                                producer.sent(),
                                config.topics().deadLetters());
                return;
            }
        }
    }

    /**
     * Whether every pair sent has been trained. A last lone pair is never trained alone (a step
     * takes at least 2), so one left over once the batch window has passed also counts as done.
     */
    private static boolean finished(TrainingMonitor monitor, long sent, LearnerConfig config) {
        long left = sent - monitor.trainedPairs();
        return left <= 0
                || (left == 1 && monitor.idleSeconds() * 1000 > config.batchWindowMs() + 2_000);
    }

    static String progressLine(
            double seconds, long sent, long total, TrainingMonitor monitor, double pairsPerSecond) {
        return String.format(
                Locale.ROOT,
                "[%6.1f s] %s %3d%% sent %,d/%,d | trained %,d (%,.0f pairs/s) | lag %,d | %s",
                seconds,
                ProgressBar.bar(sent, total, 20),
                (int) (100.0 * sent / Math.max(1, total)),
                sent,
                total,
                monitor.trainedPairs(),
                pairsPerSecond,
                Math.max(0, sent - monitor.trainedPairs()),
                monitor.describeLatest());
    }
}
