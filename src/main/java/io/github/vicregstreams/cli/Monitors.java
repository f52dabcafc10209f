package io.github.vicregstreams.cli;

import io.github.vicregstreams.monitor.LearnerMonitor;
import io.github.vicregstreams.monitor.MonitorConfig;
import io.github.vicregstreams.monitor.MonitorSources;
import io.github.vicregstreams.monitor.StreamsView;
import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.Topics;
import java.io.PrintWriter;
import java.util.Optional;

/** Starts the HTTP monitor beside a running learner, as {@code monitor.*} settings say. */
final class Monitors {

    private Monitors() {}

    /**
     * The monitor, when enabled. A port that cannot be bound does not stop the learner: it says so
     * and runs without the monitor.
     */
    static Optional<LearnerMonitor> start(
            LearnerConfig config, String bootstrap, LearnerApp app, PrintWriter out) {
        MonitorConfig monitorConfig = MonitorConfig.from(config);
        if (!monitorConfig.enabled()) {
            return Optional.empty();
        }
        Topics topics = config.topics();
        try {
            LearnerMonitor monitor =
                    LearnerMonitor.start(
                            monitorConfig,
                            new MonitorSources(
                                    bootstrap,
                                    config.consumerConfigs(),
                                    topics.metrics(),
                                    topics.embeddings(),
                                    topics.model(),
                                    config.checkpointSignature()),
                            StreamsView.of(app.streams()));
            out.println(
                    "Monitor: dashboard "
                            + monitor.url()
                            + " (also health, metrics and model under it)");
            out.flush();
            return Optional.of(monitor);
        } catch (IllegalStateException | IllegalArgumentException e) {
            out.println(
                    "warning: the monitor did not start: "
                            + e.getMessage()
                            + " The learner runs without it (monitor.port=0 takes any free port).");
            out.flush();
            return Optional.empty();
        }
    }
}
