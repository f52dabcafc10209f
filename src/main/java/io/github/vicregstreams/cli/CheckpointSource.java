package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a command's checkpoint comes from: {@code --checkpoint FILE}, else the latest checkpoint of
 * the model topic at {@code --bootstrap-servers} (waiting {@code --connect-timeout}).
 */
final class CheckpointSource {

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description =
                    "A checkpoint file. Without it, the latest checkpoint of the model topic"
                            + " (topic.model, key model.name) is read from the cluster.")
    Path file;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "The cluster holding the model topic. Default: bootstrap.servers of the"
                            + " settings, else "
                            + ConnectionOptions.DEFAULT_BOOTSTRAP
                            + ".")
    String bootstrapServers;

    @Mixin ConnectionOptions connection;

    /** Whether {@code --checkpoint} names a file (the model topic is then not read). */
    boolean fromFile() {
        return file != null;
    }

    /**
     * The bytes of the {@code --checkpoint} file.
     *
     * @throws NoSuchFileException if it is not a regular file
     */
    byte[] readFile() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file not found");
        }
        return Files.readAllBytes(file);
    }

    /**
     * The latest valid checkpoint of {@code config}'s model on its model topic.
     *
     * @throws IllegalStateException if the topic holds none yet
     */
    byte[] latestOnTopic(LearnerConfig config) {
        String bootstrap = ConnectionOptions.bootstrapServers(bootstrapServers, config);
        return ModelTopic.latest(bootstrap, config, connection.connectTimeout())
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "No checkpoint of model '"
                                                + config.modelName()
                                                + "' on topic "
                                                + config.topics().model()
                                                + " at "
                                                + bootstrap
                                                + " yet: the learner publishes one every"
                                                + " checkpoint.interval.steps steps"))
                .bytes();
    }
}
