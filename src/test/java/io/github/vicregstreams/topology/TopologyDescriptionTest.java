package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code topology/topology.txt} is the description of the default topology, kept equal here. */
class TopologyDescriptionTest {

    @Test
    void shouldMatchTheDescribedTopologyInTheRepository() throws Exception {
        Path file = Path.of("topology", "topology.txt");
        LearnerConfig defaults =
                LearnerConfig.load(Path.of("topology", "learner.properties"), Map.of());
        String actual = LearnerTopology.build(defaults).describe().toString();

        if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(actual)) {
            Path written = Path.of("target", "topology-actual.txt");
            Files.createDirectories(written.getParent());
            Files.writeString(written, actual, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(
                        "topology/topology.txt differs from Topology#describe(); the actual description is in"
                                + " target/topology-actual.txt: review it, copy it over, update topology/README.md")
                .isEqualTo(actual);
    }
}
