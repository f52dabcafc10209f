package io.github.vicregstreams.cli;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.monitor.LearnerMonitor;
import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the learner against a Kafka cluster, or an embedded broker, until Ctrl-C. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the learner until interrupted (Ctrl-C: a clean shutdown that checkpoints).",
            "Without bootstrap.servers it starts an embedded single-node Kafka broker and says where it"
                    + " listens."
        })
final class RunCommand implements Callable<Integer> {

    /** How often the command looks whether the learner still runs. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    @Spec private CommandSpec spec;

    @Mixin private LearnerOptions learner;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Embedded broker only: where the broker (DIR/broker) and the learner's state"
                            + " (DIR/streams) live. Default: ${DEFAULT-VALUE}.")
    private Path dataDir = Clusters.DEFAULT_DATA_DIR;

    @Option(
            names = "--port",
            paramLabel = "N",
            description =
                    "Embedded broker only: the port to listen on, a free one when taken. Default:"
                            + " ${DEFAULT-VALUE}.")
    private int port = Clusters.DEFAULT_BROKER_PORT;

    @Mixin private ConnectionOptions connection;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        LearnerConfig config = learner.load(Map.of(), Map.of());
        String bootstrap = config.bootstrapServers();
        try (ProcessLifecycle lifecycle = ProcessLifecycle.withShutdownHook("vicreg-shutdown")) {
            if (bootstrap.isEmpty()) {
                if (!config.passThrough().containsKey(StreamsConfig.STATE_DIR_CONFIG)) {
                    config =
                            learner.load(
                                    Map.of(
                                            StreamsConfig.STATE_DIR_CONFIG,
                                            dataDir.resolve("streams").toString()),
                                    Map.of());
                }
                EmbeddedKafkaBroker broker =
                        lifecycle.add(
                                Clusters.startBroker(dataDir.resolve("broker"), port, out),
                                EmbeddedKafkaBroker::stop);
                bootstrap = broker.bootstrapServers();
            }
            List<String> created =
                    Clusters.setUpTopics(config, bootstrap, connection.connectTimeout());
            if (!created.isEmpty()) {
                out.println("Created topics: " + String.join(", ", created));
            }
            LearnerApp app =
                    lifecycle.add(
                            LearnerApp.startOnReadyTopics(config, bootstrap), LearnerApp::close);
            lifecycle.add(
                    Monitors.start(config, bootstrap, app, out).orElse(null),
                    LearnerMonitor::close);
            out.println(
                    "Learner running: application.id="
                            + config.applicationId()
                            + ", bootstrap.servers="
                            + bootstrap
                            + ", views from "
                            + config.topics().views()
                            + ", embeddings to "
                            + config.topics().embeddings()
                            + ". Ctrl-C stops it (after a checkpoint).");
            out.flush();
            return awaitStop(lifecycle, app, spec.commandLine().getErr());
        }
    }

    /** Waits for Ctrl-C, or for the learner to stop on its own (an error). */
    private static int awaitStop(ProcessLifecycle lifecycle, LearnerApp app, PrintWriter err)
            throws InterruptedException {
        while (!lifecycle.awaitStop(POLL_INTERVAL)) {
            KafkaStreams.State state = app.streams().state();
            if (!lifecycle.stopping()
                    && (state == KafkaStreams.State.ERROR
                            || state == KafkaStreams.State.PENDING_ERROR
                            || state == KafkaStreams.State.NOT_RUNNING)) {
                err.println(
                        "error: the learner stopped: its state is "
                                + state
                                + " (see the log above)");
                err.flush();
                return VicregStreams.EXIT_FAILURE;
            }
        }
        return 0;
    }
}
