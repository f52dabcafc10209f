package io.github.vicregstreams.topology;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where the learner's settings come from: a properties file and {@code key=value} arguments, the
 * arguments winning. What the settings mean is {@link LearnerConfig}'s business.
 */
final class ConfigSources {

    private ConfigSources() {}

    /**
     * Settings split into the learner's own and the Kafka settings that pass through, each value
     * trimmed.
     *
     * @param own the learner's keys and values
     * @param passThrough Kafka Streams and client settings, in the order given
     */
    record Split(Map<String, Object> own, Map<String, Object> passThrough) {}

    /**
     * Splits settings into the learner's own and the Kafka settings.
     *
     * @param values the settings
     * @param ownKeys the learner's keys
     * @return the two groups
     * @throws ConfigException naming the first key that is neither
     */
    static Split split(Map<String, ?> values, Set<String> ownKeys) {
        Map<String, Object> own = new HashMap<>();
        Map<String, Object> passThrough = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : values.entrySet()) {
            String key = entry.getKey().trim();
            if (ownKeys.contains(key)) {
                own.put(key, trimmed(entry.getValue()));
            } else if (KafkaSettings.isKafkaSetting(key)) {
                passThrough.put(key, trimmed(entry.getValue()));
            } else {
                throw new ConfigException(
                        key,
                        entry.getValue(),
                        "Unknown configuration key. The learner's keys are listed in"
                                + " topology/learner.properties; Kafka Streams, producer, consumer and"
                                + " admin settings pass through.");
            }
        }
        return new Split(own, passThrough);
    }

    private static Object trimmed(Object value) {
        return value instanceof String s ? s.trim() : value;
    }

    /**
     * The defaults, the file's settings on top of them, and the overrides on top of both.
     *
     * @throws ConfigException if the file cannot be read
     */
    static Map<String, Object> read(
            Path file, Map<String, String> defaults, Map<String, String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>(defaults);
        if (file != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (NoSuchFileException e) {
                throw new ConfigException("Configuration file not found: " + file);
            } catch (IOException e) {
                throw new ConfigException(
                        "Cannot read configuration file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        }
        values.putAll(overrides);
        return values;
    }

    /**
     * Parses {@code key=value} arguments, in order.
     *
     * @throws ConfigException for an argument without {@code =}
     */
    static Map<String, String> parseOverrides(List<String> arguments) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(
                        "Settings are given as key=value, e.g. model.input.dim=784. Got: "
                                + argument);
            }
            overrides.put(argument.substring(0, eq).trim(), argument.substring(eq + 1).trim());
        }
        return overrides;
    }
}
