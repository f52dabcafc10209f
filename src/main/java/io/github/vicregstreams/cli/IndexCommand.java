package io.github.vicregstreams.cli;

import io.github.vicregstreams.index.IndexConsumer;
import io.github.vicregstreams.index.IndexServer;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code index}: the nearest-neighbour index of the model versions' embeddings, until Ctrl-C. */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description = {
            "Indexes the embeddings of each model version (Lucene HNSW, cosine) and answers"
                    + " nearest-neighbour queries over HTTP, until interrupted.",
            "It reads topic.embeddings and topic.model-versions of the learner's settings, serves"
                    + " the newest complete version, and commits its offsets inside the index, so a"
                    + " restart resumes where it stopped."
        })
final class IndexCommand implements Callable<Integer> {

    /** How often the command looks whether the consumer still runs. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    /** The default HTTP port: beside the monitor's 8080. */
    static final int DEFAULT_PORT = 8090;

    /** The index reads no features; the learner's settings need an input dimension all the same. */
    private static final Map<String, String> DEFAULTS =
            Map.of(LearnerConfig.MODEL_INPUT_DIM_CONFIG, "784");

    @Spec private CommandSpec spec;

    @Mixin private LearnerOptions learner;

    @Mixin private ConnectionOptions connection;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "The cluster. Default: bootstrap.servers of the settings, else "
                            + ConnectionOptions.DEFAULT_BOOTSTRAP
                            + ".")
    private String bootstrapServers;

    @Option(
            names = "--index-dir",
            paramLabel = "DIR",
            description =
                    "The Lucene index, with the offsets it has read to; it survives restarts."
                            + " Default: ${DEFAULT-VALUE}.")
    private Path indexDir = Clusters.DEFAULT_DATA_DIR.resolve("index");

    @Option(
            names = "--address",
            paramLabel = "HOST",
            description = "The address the HTTP server listens on. Default: ${DEFAULT-VALUE}.")
    private String address = "127.0.0.1";

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "The HTTP port, 0 for any free one. Default: ${DEFAULT-VALUE}.")
    private int port = DEFAULT_PORT;

    @Option(
            names = "--commit-interval-ms",
            paramLabel = "MS",
            description =
                    "Commit the index (with its offsets) at least this often while records arrive."
                            + " Default: ${DEFAULT-VALUE}.")
    private long commitIntervalMs = 1000;

    @Option(
            names = "--commit-records",
            paramLabel = "N",
            description =
                    "Commit after about N records at the latest (at the end of a poll)."
                            + " Default: ${DEFAULT-VALUE}.")
    private int commitRecords = 10_000;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        OptionChecks.requireAtLeast("--commit-interval-ms", commitIntervalMs, 1);
        OptionChecks.requireAtLeast("--commit-records", commitRecords, 1);
        OptionChecks.requireAtLeast("--port", port, 0);
        LearnerConfig config = learner.load(DEFAULTS, Map.of());
        String bootstrap = ConnectionOptions.bootstrapServers(bootstrapServers, config);
        // The first contact: an unreachable cluster fails here, clearly; and the index may start
        // before the learner, on topics created as the learner would create them.
        List<String> created = Clusters.setUpTopics(config, bootstrap, connection.connectTimeout());
        if (!created.isEmpty()) {
            out.println("Created topics: " + String.join(", ", created));
        }
        Map<String, Object> kafka = config.consumerConfigs();
        kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        IndexConsumer.Settings settings =
                new IndexConsumer.Settings(
                        kafka,
                        config.topics().embeddings(),
                        config.topics().modelVersions(),
                        config.modelName(),
                        Duration.ofMillis(commitIntervalMs),
                        commitRecords);
        try (ProcessLifecycle lifecycle =
                ProcessLifecycle.withShutdownHook("vicreg-index-shutdown")) {
            IndexConsumer consumer =
                    lifecycle.add(IndexConsumer.start(settings, indexDir), IndexConsumer::close);
            IndexServer server =
                    lifecycle.add(
                            IndexServer.start(consumer.index(), consumer.progress(), address, port),
                            IndexServer::close);
            out.println(
                    "Index of model '"
                            + config.modelName()
                            + "' in "
                            + indexDir
                            + ": reading "
                            + config.topics().embeddings()
                            + " and "
                            + config.topics().modelVersions()
                            + " at "
                            + bootstrap
                            + ", serving "
                            + server.url()
                            + "neighbours and "
                            + server.url()
                            + "status. Ctrl-C stops it (after a commit).");
            out.flush();
            return awaitStop(lifecycle, consumer, spec.commandLine().getErr());
        }
    }

    /** Waits for Ctrl-C, or for the consumer to stop on a failure. */
    private static int awaitStop(
            ProcessLifecycle lifecycle, IndexConsumer consumer, PrintWriter err)
            throws InterruptedException {
        while (!lifecycle.awaitStop(POLL_INTERVAL)) {
            Throwable failure = consumer.progress().failure();
            if (failure != null && !lifecycle.stopping()) {
                err.println(
                        "error: the index consumer stopped: "
                                + ErrorHandler.oneLine(failure)
                                + " (see the log above)");
                err.flush();
                return VicregStreams.EXIT_FAILURE;
            }
        }
        return 0;
    }
}
