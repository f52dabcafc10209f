package io.github.vicregstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * The Kafka the embedded broker runs is the one the rest of the project names: the pom's {@code
 * kafka.version}, which the integration tests' {@code apache/kafka} image is derived from, and the
 * default image of docker/compose.yaml, which cannot derive it and so is checked here.
 */
class EmbeddedKafkaBrokerVersionTest {

    @Test
    void shouldRunThePomsKafkaVersionWhenEmbedded() throws Exception {
        assertThat(AppInfoParser.getVersion()).isEqualTo(pomKafkaVersion());
    }

    @Test
    void shouldNameThePomsKafkaVersionAsTheComposeFilesDefaultImage() throws Exception {
        String compose = Files.readString(Path.of("docker/compose.yaml"));

        assertThat(compose)
                .contains("image: apache/kafka:${KAFKA_VERSION:-" + pomKafkaVersion() + "}");
    }

    private static String pomKafkaVersion() throws Exception {
        Matcher version =
                Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
                        .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).as("a <kafka.version> in pom.xml").isTrue();
        return version.group(1).trim();
    }
}
