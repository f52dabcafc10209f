package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.index.EmbeddingIndex;
import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class IndexCommandTest {

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @TempDir Path dir;

    @Test
    void shouldListItsOptionsInItsHelp() {
        CliRun run = CliRun.of("index", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith("Usage: vicreg-streams index ")
                .contains(
                        "--bootstrap-servers=HOST:PORT",
                        "--index-dir=DIR",
                        "--address=HOST",
                        "--port=N",
                        "--commit-interval-ms=MS",
                        "--commit-records=N",
                        "--connect-timeout=SECONDS",
                        "Default: vicreg-data/index",
                        "Default: 8090");
    }

    @Test
    void shouldRefuseACommitRecordCountBelowOne() {
        CliRun run = CliRun.of("index", "--commit-records", "0");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .isEqualTo("error: --commit-records must be at least 1. Got: 0");
    }

    @Test
    void shouldRefuseACommitIntervalBelowOneMillisecond() {
        CliRun run = CliRun.of("index", "--commit-interval-ms", "0");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .isEqualTo("error: --commit-interval-ms must be at least 1. Got: 0");
    }

    @Test
    void shouldCreateTheTopicsStartTheConsumerAndStopCleanlyWhenThePortIsTaken()
            throws IOException {
        Path indexDir = dir.resolve("index");
        // Made here: the learner's topic setup does not create the model-versions topic (yet).
        broker.get().createTopic("cli-model-versions", 1, Map.of(), Duration.ofSeconds(30));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun run =
                    CliRun.of(
                            "index",
                            "--bootstrap-servers",
                            broker.get().bootstrapServers(),
                            "--index-dir",
                            indexDir.toString(),
                            "--port",
                            Integer.toString(taken.getLocalPort()),
                            LearnerConfig.TOPIC_EMBEDDINGS_CONFIG + "=cli-embeddings",
                            LearnerConfig.TOPIC_MODEL_VERSIONS_CONFIG + "=cli-model-versions");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("Created topics: ", "cli-embeddings");
            assertThat(run.err().strip())
                    .startsWith(
                            "error: The index cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("Choose another port (0 takes any free one)");
        }
        // The consumer ran and released the directory: another index opens it.
        assertThat(Files.exists(indexDir.resolve("write.lock"))).isTrue();
        EmbeddingIndex.open(indexDir).close();
    }
}
