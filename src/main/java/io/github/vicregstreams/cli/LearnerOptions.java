package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The learner's settings on a command line: {@code [--config FILE] [key=value …]}. */
final class LearnerOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Learner settings (properties file; see topology/learner.properties).")
    Path configFile;

    @Parameters(
            paramLabel = "key=value",
            arity = "0..*",
            description =
                    "Learner settings over the file's, e.g. model.hidden.size=256; Kafka Streams and client"
                            + " settings pass through.")
    List<String> settings = new ArrayList<>();

    /** The overrides as given, in order. */
    Map<String, String> overrides() {
        return LearnerConfig.parseOverrides(settings);
    }

    /**
     * Loads the configuration: {@code defaults}, then the file, then the {@code key=value}
     * overrides, then {@code forced}.
     *
     * @param defaults settings that the file and the overrides may change
     * @param forced settings that win over everything
     * @throws ConfigException naming the bad key or file
     */
    LearnerConfig load(Map<String, String> defaults, Map<String, String> forced) {
        Set<String> fileKeys = configFile == null ? Set.of() : keysOf(configFile);
        Map<String, String> values = new LinkedHashMap<>();
        defaults.forEach(
                (key, value) -> {
                    if (!fileKeys.contains(key)) {
                        values.put(key, value);
                    }
                });
        values.putAll(overrides());
        values.putAll(forced);
        return LearnerConfig.load(configFile, values);
    }

    private static Set<String> keysOf(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read configuration file " + file + ": " + e.getMessage());
        }
        return properties.stringPropertyNames();
    }
}
