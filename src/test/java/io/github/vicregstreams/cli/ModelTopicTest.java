package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ForgedCheckpoints;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@code evaluate} and {@code demo} read from the model topic of a real broker. */
class ModelTopicTest {

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static LearnerConfig config(String topic, String signingKey) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, 8);
        settings.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16);
        settings.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8);
        settings.put(LearnerConfig.TOPIC_MODEL_CONFIG, topic);
        settings.put(LearnerConfig.CHECKPOINT_SIGNING_KEY_CONFIG, signingKey);
        return LearnerConfig.of(settings);
    }

    private static void publish(String topic, String key, byte[] value, Headers headers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.get().bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers));
        }
    }

    @Test
    void shouldReadTheNewestValidCheckpointPastAForgedRecordAfterIt() {
        String topic = "model-" + UUID.randomUUID();
        broker.get().createTopic(topic, 1, Map.of(), Duration.ofSeconds(30));
        try (VicregTrainer trainer =
                VicregTrainer.create(
                        TrainerConfig.defaults(new ModelSpec(8, 16, 8)), DeviceChoice.CPU)) {
            byte[] valid = trainer.checkpoint();
            for (CheckpointChunks.Part part :
                    CheckpointChunks.split("vicreg", valid, CheckpointHeaders.of(0, "8-16-8"))) {
                publish(topic, part.key(), part.value(), part.headers());
            }
            // Once an OutOfMemoryError in evaluate: a valid CRC over 2^31 - 1 declared parameters.
            publish(topic, "vicreg", ForgedCheckpoints.withParameterCount(valid, 0x7fffffff), null);

            Optional<ModelTopic.Checkpoint> latest =
                    ModelTopic.latest(
                            broker.get().bootstrapServers(),
                            config(topic, ""),
                            Duration.ofSeconds(30));

            assertThat(latest).isPresent();
            assertThat(latest.get().bytes()).isEqualTo(valid);
        }
    }

    @Test
    void shouldFindNoCheckpointWhenASigningKeyIsSetAndNothingIsSigned() {
        String topic = "model-" + UUID.randomUUID();
        broker.get().createTopic(topic, 1, Map.of(), Duration.ofSeconds(30));
        try (VicregTrainer trainer =
                VicregTrainer.create(
                        TrainerConfig.defaults(new ModelSpec(8, 16, 8)), DeviceChoice.CPU)) {
            publish(topic, "vicreg", trainer.checkpoint(), CheckpointHeaders.of(0, "8-16-8"));

            assertThat(
                            ModelTopic.latest(
                                    broker.get().bootstrapServers(),
                                    config(topic, "secret"),
                                    Duration.ofSeconds(30)))
                    .isEmpty();
        }
    }
}
