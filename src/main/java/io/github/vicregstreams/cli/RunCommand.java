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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Option(
            names = "--connect-timeout",
            paramLabel = "SECONDS",
            description = "How long to wait for the cluster at start. Default: ${DEFAULT-VALUE}.")
    private int connectTimeoutSeconds = Clusters.DEFAULT_CONNECT_TIMEOUT_SECONDS;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        LearnerConfig config = learner.load(Map.of(), Map.of());
        EmbeddedKafkaBroker broker = null;
        String bootstrap = config.bootstrapServers();
        if (bootstrap.isEmpty()) {
            if (!config.passThrough().containsKey(StreamsConfig.STATE_DIR_CONFIG)) {
                config =
                        learner.load(
                                Map.of(
                                        StreamsConfig.STATE_DIR_CONFIG,
                                        dataDir.resolve("streams").toString()),
                                Map.of());
            }
            broker = Clusters.startBroker(dataDir.resolve("broker"), port, out);
            bootstrap = broker.bootstrapServers();
        }
        Lifecycle lifecycle = new Lifecycle(broker);
        Thread hook = new Thread(lifecycle::stop, "vicreg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<String> created =
                    Clusters.setUpTopics(
                            config, bootstrap, Duration.ofSeconds(connectTimeoutSeconds));
            if (!created.isEmpty()) {
                out.println("Created topics: " + String.join(", ", created));
            }
            LearnerApp app = LearnerApp.startOnReadyTopics(config, bootstrap);
            lifecycle.started(app);
            lifecycle.monitor(Monitors.start(config, bootstrap, app, out).orElse(null));
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
            return lifecycle.awaitStop(spec.commandLine().getErr());
        } finally {
            lifecycle.stop();
            removeHook(hook);
        }
    }

    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: nothing to remove.
        }
    }

    /** The learner and broker of one run, stopped once, by Ctrl-C or by the command's end. */
    static final class Lifecycle {
        private final EmbeddedKafkaBroker broker;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile LearnerApp app;
        private volatile LearnerMonitor monitor;
        private volatile boolean stopping;

        Lifecycle(EmbeddedKafkaBroker broker) {
            this.broker = broker;
        }

        void started(LearnerApp learner) {
            this.app = learner;
            if (stopping) {
                learner.close();
            }
        }

        void monitor(LearnerMonitor started) {
            this.monitor = started;
            if (stopping && started != null) {
                started.close();
            }
        }

        /** Waits for Ctrl-C, or for the learner to stop on its own (an error). */
        int awaitStop(PrintWriter err) throws InterruptedException {
            while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
                KafkaStreams.State state = app.streams().state();
                if (!stopping
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

        synchronized void stop() {
            if (stopped.getCount() == 0) {
                return;
            }
            stopping = true;
            try {
                if (monitor != null) {
                    monitor.close();
                }
                if (app != null) {
                    app.close();
                }
            } finally {
                if (broker != null) {
                    broker.stop();
                }
                stopped.countDown();
            }
        }
    }
}
