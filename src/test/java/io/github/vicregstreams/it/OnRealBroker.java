package io.github.vicregstreams.it;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the integration tests with learners in their own JVMs share: the broker of the run (a
 * Testcontainers Kafka when an engine answers, else the embedded one) and a directory per test for
 * the learners' state and logs.
 */
abstract class OnRealBroker {

    static KafkaBackend kafka;

    @TempDir Path dir;

    @BeforeAll
    static void broker(TestReporter reporter) {
        kafka = KafkaBackend.shared();
        reporter.publishEntry("broker", kafka.description());
    }
}
