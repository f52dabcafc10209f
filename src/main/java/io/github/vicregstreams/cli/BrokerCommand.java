package io.github.vicregstreams.cli;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code broker}: the embedded single-node broker alone, in the foreground until Ctrl-C. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs an embedded single-node Kafka broker (KRaft) until interrupted.",
            "For local development: then `run bootstrap.servers=127.0.0.1:PORT` and `produce`."
        })
final class BrokerCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "N",
            description =
                    "The port to listen on, a free one when taken. Default: ${DEFAULT-VALUE}.")
    private int port = Clusters.DEFAULT_BROKER_PORT;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where the broker keeps its log; it survives restarts. Default: ${DEFAULT-VALUE}.")
    private Path dataDir = Clusters.DEFAULT_DATA_DIR.resolve("broker");

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (ProcessLifecycle lifecycle =
                ProcessLifecycle.withShutdownHook("vicreg-broker-shutdown")) {
            lifecycle.add(Clusters.startBroker(dataDir, port, out), EmbeddedKafkaBroker::stop);
            out.println("Ctrl-C stops it.");
            out.flush();
            lifecycle.awaitStop();
        }
        return 0;
    }
}
