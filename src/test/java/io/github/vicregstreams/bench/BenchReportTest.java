package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir Path dir;

    @Test
    void shouldWriteWhatTheBenchmarksOwnIndentingMappersWroteWhenGivenAReport() throws Exception {
        Map<String, Object> report = BenchReport.start("system");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("batch", 256);
        row.put("ratio", 0.125);
        report.put("rows", List.of(row, Map.of()));
        Path out = dir.resolve("results/system.json");

        BenchReport.write(out, report);

        // What each benchmark wrote before they shared this writer.
        String before =
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report);
        assertThat(Files.readString(out)).isEqualTo(before);
        assertThat(BenchReport.toJson(report)).isEqualTo(before);
    }

    @Test
    void shouldNameTheKafkaOfTheClasspathWhenAskedForKafkasVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String kafkaVersion =
                pom.substring(
                        pom.indexOf("<kafka.version>") + "<kafka.version>".length(),
                        pom.indexOf("</kafka.version>"));

        // SystemBenchmark reported KafkaStreams' package version: null here, the project's own
        // version in the shaded jar.
        assertThat(BenchReport.kafkaVersion()).isEqualTo(kafkaVersion.trim());
    }

    @Test
    void shouldStartEveryReportWithBenchmarkMachineAndEngineWhenStarted() {
        assertThat(BenchReport.start("inference"))
                .containsEntry("benchmark", "inference")
                .containsKeys("machine", "engine");
        assertThat(BenchReport.start("inference").keySet())
                .startsWith("benchmark", "machine", "engine");
    }
}
