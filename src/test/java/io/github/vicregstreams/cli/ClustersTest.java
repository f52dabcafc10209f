package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class ClustersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void shouldSayTheCredentialsWereRefusedWhenAuthenticationFails() {
        KafkaException failure =
                new KafkaException(
                        "Cannot set up the learner's topics",
                        new SaslAuthenticationException(
                                "Authentication failed: Invalid username or password"));

        assertThat(Clusters.setUpFailure("broker:9093", TIMEOUT, failure))
                .isEqualTo(
                        "Kafka at broker:9093 refused to authenticate this client (Authentication failed:"
                                + " Invalid username or password). Check security.protocol, sasl.mechanism and"
                                + " sasl.jaas.config (or the SSL settings).");
    }

    @Test
    void shouldSayWhatToGrantWhenTheClientIsNotAuthorized() {
        KafkaException failure =
                new KafkaException(
                        "x", new TopicAuthorizationException("Not authorized to access topics"));

        assertThat(Clusters.setUpFailure("broker:9093", TIMEOUT, failure))
                .startsWith(
                        "Kafka at broker:9093 does not allow this client to set up the learner's topics")
                .endsWith("Grant it Describe and Create on the topics, or create them beforehand.");
    }

    @Test
    void shouldSayTheClusterDidNotAnswerOnATimeOut() {
        KafkaException failure = new KafkaException("x", new TimeoutException("Timed out waiting"));

        assertThat(Clusters.setUpFailure("broker:9092", TIMEOUT, failure))
                .startsWith("Kafka at broker:9092 did not answer within 15 s (Timed out waiting).");
    }
}
