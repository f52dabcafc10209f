package io.github.vicregstreams.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of one broker start: the configured one, created if missing and always kept, or a
 * temporary one, deleted when the broker stops.
 */
final class BrokerDataDir {

    // Logs under the broker's name, as it did when this code was part of it.
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path path;
    private boolean temporary;

    private BrokerDataDir(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /**
     * Creates {@code configured}, or a temporary directory when it is null.
     *
     * @throws UncheckedIOException if the directory cannot be created
     */
    static BrokerDataDir prepare(Path configured) {
        try {
            return configured != null
                    ? new BrokerDataDir(Files.createDirectories(configured).toAbsolutePath(), false)
                    : new BrokerDataDir(
                            Files.createTempDirectory("vicreg-kafka-").toAbsolutePath(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot create the broker data directory " + configured + ": " + e.getMessage(),
                    e);
        }
    }

    /** The absolute path, still known after the directory is deleted. */
    Path path() {
        return path;
    }

    /** Deletes a temporary directory, once; a configured one is kept. */
    void deleteIfTemporary() {
        if (temporary) {
            deleteRecursively(path);
            temporary = false;
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(
                            path -> {
                                try {
                                    Files.deleteIfExists(path);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (IOException | UncheckedIOException e) {
            // A left-over temporary directory is untidy, not wrong: say so and go on.
            log.warn("Cannot delete the temporary broker directory: dataDir=[{}]", root, e);
        }
    }
}
