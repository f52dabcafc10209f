package io.github.vicregstreams.cli;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.monitor.LearnerMonitor;
import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code demo} with Kafka: an embedded broker, the learner's topics, the learner and a producer of
 * the plan's pairs; progress until every pair is trained; a clean stop (checkpoint); the final
 * checkpoint from the model topic, saved and evaluated. What it starts goes into the lifecycle, so
 * Ctrl-C stops it.
 */
final class StreamedDemo {

    /** Exit code of a demo stopped by Ctrl-C (128 + SIGINT), as a shell reports it. */
    static final int EXIT_INTERRUPTED = 130;

    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MODEL_READ_TIMEOUT = Duration.ofSeconds(30);

    private final DemoPlan plan;
    private final ProcessLifecycle lifecycle;

    StreamedDemo(DemoPlan plan, ProcessLifecycle lifecycle) {
        this.plan = plan;
        this.lifecycle = lifecycle;
    }

    /**
     * @param dir where the broker keeps its data ({@code dir/broker})
     * @return the exit code: 0, or {@value #EXIT_INTERRUPTED} after Ctrl-C
     */
    int run(Path dir) throws InterruptedException, IOException {
        LearnerConfig config = plan.config();
        PrintWriter out = plan.out();
        long runStarted = System.nanoTime();
        EmbeddedKafkaBroker broker =
                lifecycle.add(
                        Clusters.startBroker(dir.resolve("broker"), 0, out),
                        EmbeddedKafkaBroker::stop);
        String bootstrap = broker.bootstrapServers();
        Clusters.setUpTopics(config, bootstrap, TOPICS_TIMEOUT);
        LearnerApp app =
                lifecycle.add(LearnerApp.startOnReadyTopics(config, bootstrap), LearnerApp::close);
        LearnerMonitor monitor =
                lifecycle.add(
                        Monitors.start(config, bootstrap, app, out).orElse(null),
                        LearnerMonitor::close);
        out.printf(
                Locale.ROOT,
                "Learner started (model %s, batch %d). Streaming %,d %s of %s (%s) to %s.%n",
                config.modelSpec(),
                config.batchSize(),
                plan.totalPairs(),
                config.trainsOnSamples() ? "samples (the learner draws their views)" : "pairs",
                plan.train().name(),
                plan.passesText(),
                config.trainsOnSamples()
                        ? config.topics().samples()
                        : DemoProducer.pairsTopic(config));
        out.flush();

        DemoProducer producer = new DemoProducer(plan, bootstrap, lifecycle::interrupted);
        long trainStarted;
        long lastStep;
        long trainedPairs;
        try (TrainingMonitor metrics =
                new TrainingMonitor(
                        bootstrap, config.topics().metrics(), config.consumerConfigs())) {
            trainStarted = System.nanoTime();
            producer.start();
            new DemoProgress(plan, metrics, producer, app)
                    .awaitTrained(trainStarted, lifecycle::interrupted);
            producer.join();
            lastStep = metrics.lastStep();
            trainedPairs = metrics.trainedPairs();
        }
        if (lifecycle.interrupted()) {
            return EXIT_INTERRUPTED;
        }
        double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
        stopLearner(monitor, app);
        // The checkpoint's step, not the last metrics event's: replay steps follow a batch's step.
        ModelTopic.Checkpoint checkpoint = publishedCheckpoint(bootstrap, lastStep);
        long steps = checkpoint.step();
        out.printf(
                Locale.ROOT,
                "Trained %,d pairs in %,d steps of batch %d in %.1f s (%,.0f pairs/s end to end);"
                        + " learner stopped with a checkpoint.%n",
                trainedPairs,
                steps,
                config.batchSize(),
                trainSeconds,
                trainedPairs / Math.max(trainSeconds, 1e-9));
        out.flush();
        return DemoReport.finish(
                plan, "Run", checkpoint.bytes(), trainedPairs, steps, trainSeconds, runStarted);
    }

    /** Stops the learner (it checkpoints) and its monitor ahead of the broker. */
    private void stopLearner(LearnerMonitor monitor, LearnerApp app) {
        lifecycle.stopNow(monitor);
        lifecycle.stopNow(app);
    }

    /**
     * The final checkpoint from the model topic: the learner publishes its last steps as it stops
     * ({@link LearnerApp#close()}), so the topic holds the last step once the learner is closed.
     *
     * @throws IllegalStateException when it does not: evaluating an older model would misreport
     */
    private ModelTopic.Checkpoint publishedCheckpoint(String bootstrap, long lastStep) {
        LearnerConfig config = plan.config();
        Optional<ModelTopic.Checkpoint> latest = readModel(bootstrap);
        if (latest.isEmpty() || latest.get().step() < lastStep) {
            throw new IllegalStateException(
                    "The learner stopped at step "
                            + lastStep
                            + " but the model topic "
                            + config.topics().model()
                            + " holds "
                            + latest.map(c -> "step " + c.step()).orElse("no checkpoint")
                            + ": its final checkpoint was not published (see the learner's log)");
        }
        return latest.get();
    }

    private Optional<ModelTopic.Checkpoint> readModel(String bootstrap) {
        return ModelTopic.latest(bootstrap, plan.config(), MODEL_READ_TIMEOUT);
    }
}
