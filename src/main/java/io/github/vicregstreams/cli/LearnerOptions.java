package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Map<String, String> overrides = new LinkedHashMap<>(overrides());
        overrides.putAll(forced);
        return LearnerConfig.load(configFile, defaults, overrides);
    }
}
