package io.github.vicregstreams.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a KRaft data directory the way {@code kafka-storage.sh format} does, once.
 *
 * <p>A KRaft node refuses to start on an unformatted directory, and formatting an already formatted
 * one is an error (it would also change the cluster id and orphan the data). So the directory is
 * formatted only when it has no {@value EmbeddedKafkaBroker#META_PROPERTIES}.
 */
final class StorageFormatter {

    private static final Logger log = LoggerFactory.getLogger(StorageFormatter.class);

    private StorageFormatter() {}

    /**
     * Formats {@code dataDir} as the single log and metadata directory of node {@code nodeId}, with
     * a new random cluster id and the latest production metadata version, unless it is formatted.
     *
     * @return true if it formatted the directory
     * @throws UncheckedIOException if the directory cannot be written
     * @throws IllegalStateException if Kafka's formatter refuses the settings
     */
    static boolean formatIfMissing(Path dataDir, int nodeId, String controllerListener) {
        if (Files.exists(dataDir.resolve(EmbeddedKafkaBroker.META_PROPERTIES))) {
            return false;
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        // The formatter reports on a PrintStream (System.out by default); keep it out of the
        // console.
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(controllerListener)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot format the broker data directory " + dataDir + ": " + e.getMessage(),
                    e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot format the broker data directory " + dataDir + ": " + e.getMessage(),
                    e);
        }
        log.debug(
                "Formatted the broker data directory: dataDir=[{}] clusterId=[{}] output=[{}]",
                dataDir,
                clusterId,
                output.toString(StandardCharsets.UTF_8).strip());
        return true;
    }
}
