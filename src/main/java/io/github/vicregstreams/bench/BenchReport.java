package io.github.vicregstreams.bench;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.vicregstreams.events.Json;
import io.github.vicregstreams.vicreg.Djl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.internals.AppInfoParser;

/** The JSON report every benchmark writes: the same head, written the same way. */
final class BenchReport {

    /** The project's one mapper, indented; maps are written in their insertion order. */
    private static final ObjectWriter JSON = Json.MAPPER.writerWithDefaultPrettyPrinter();

    private BenchReport() {}

    /**
     * A new report with what every benchmark reports first: its name, the machine and the engine.
     *
     * @param benchmark the benchmark's name in the report, e.g. {@code training-step}
     * @return a map that keeps the order of its entries
     */
    static Map<String, Object> start(String benchmark) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", benchmark);
        report.put("machine", MachineInfo.describe());
        report.put("engine", Djl.engine().getEngineName() + " " + Djl.engine().getVersion());
        return report;
    }

    /**
     * The version of the Kafka clients, Streams and broker on the classpath (one version: the pom's
     * {@code kafka.version}). Not {@code
     * KafkaStreams.class.getPackage().getImplementationVersion()}: Kafka's jars carry no such
     * manifest entry, so that is null, and in the shaded jar it is this project's version. Read
     * with Kafka's own (internal) version reader, the one its clients log at start.
     */
    static String kafkaVersion() {
        return AppInfoParser.getVersion();
    }

    /**
     * Writes the report as indented JSON, creating the file's directory, and says where.
     *
     * @param out the file
     * @param report the report
     * @throws IOException if the file cannot be written
     */
    static void write(Path out, Map<String, Object> report) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        JSON.writeValue(out.toFile(), report);
        System.out.println("results written to " + out);
    }

    /** The report as {@link #write} writes it. */
    static String toJson(Map<String, Object> report) throws IOException {
        return JSON.writeValueAsString(report);
    }
}
