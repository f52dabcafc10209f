package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.vicreg.EncoderKind;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.OptimizerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerConfigTest {

    @TempDir Path dir;

    private static LearnerConfig minimal(Map<String, Object> more) {
        Map<String, Object> values = new java.util.HashMap<>(more);
        values.putIfAbsent(LearnerConfig.MODEL_INPUT_DIM_CONFIG, 784);
        return LearnerConfig.of(values);
    }

    @Test
    void shouldUseTheDocumentedDefaults() {
        LearnerConfig config = minimal(Map.of());

        assertThat(config.topics())
                .isEqualTo(
                        new Topics(
                                "vicreg.views",
                                "vicreg.samples",
                                "vicreg.embeddings",
                                "vicreg.metrics",
                                "vicreg.dead-letters",
                                "vicreg.model",
                                "vicreg.pairs",
                                "vicreg.pair-events",
                                "vicreg.items",
                                "vicreg.model-versions"));
        assertThat(config.modelSpec()).isEqualTo(ModelSpec.of(784));
        assertThat(config.batchSize()).isEqualTo(256);
        assertThat(config.trainerConfig().optimizer()).isEqualTo(OptimizerConfig.adam(1e-3f));
        assertThat(config.embeddingSource()).isEqualTo(EmbeddingSource.MEAN);
    }

    @Test
    void shouldKeepTheShippedDefaultsFileEqualToTheCode() throws Exception {
        Path file = Path.of("topology", "learner.properties");

        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as("topology/learner.properties is LearnerPropertiesFile's output; regenerate it")
                .isEqualTo(LearnerPropertiesFile.text(LearnerPropertiesFile.EXAMPLE_VALUES));
        assertThat(LearnerConfig.load(file, Map.of()).modelSpec()).isEqualTo(ModelSpec.of(784));
    }

    @Test
    void shouldRejectAnUnknownKeyNamingIt() {
        assertThatThrownBy(() -> minimal(Map.of("trian.batch.size", "64")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "Invalid value 64 for configuration trian.batch.size: Unknown");
    }

    @Test
    void shouldKeepTheTrainingBatchSizeAndPassTheProducersOnWhenBatchSizeIsGiven() {
        LearnerConfig config = minimal(Map.of("batch.size", "64"));

        // batch.size is the producer's setting: it passes through, training keeps its own.
        assertThat(config.batchSize()).isEqualTo(256);
        assertThat(config.streamsProperties("b:9092")).containsEntry("batch.size", "64");
    }

    @Test
    void shouldRejectABadValueNamingTheKey() {
        assertThatThrownBy(() -> minimal(Map.of(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.batch.size")
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> minimal(Map.of(LearnerConfig.DEVICE_CONFIG, "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("device");
        assertThatThrownBy(() -> minimal(Map.of(LearnerConfig.TOPIC_VIEWS_CONFIG, "bad topic!")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topic.views");
    }

    @Test
    void shouldChooseTheEncoderAndRefuseAConvEncoderForNonImageInput() {
        assertThat(minimal(Map.of(LearnerConfig.MODEL_ENCODER_CONFIG, "CONV")).modelSpec())
                .isEqualTo(new ModelSpec(784, 512, 256, EncoderKind.CONV));
        assertThatThrownBy(() -> minimal(Map.of(LearnerConfig.MODEL_ENCODER_CONFIG, "resnet")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.encoder");
        assertThatThrownBy(
                        () ->
                                minimal(
                                        Map.of(
                                                LearnerConfig.MODEL_ENCODER_CONFIG,
                                                "conv",
                                                LearnerConfig.MODEL_INPUT_DIM_CONFIG,
                                                "100000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the conv encoder takes square single-channel images")
                .hasMessageContaining("Got input dimension: 100000");
    }

    @Test
    void shouldRequireTheInputDimension() {
        assertThatThrownBy(() -> LearnerConfig.of(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.input.dim");
    }

    @Test
    void shouldRejectTwoSettingsNamingTheSameTopic() {
        assertThatThrownBy(
                        () ->
                                minimal(
                                        Map.of(
                                                LearnerConfig.TOPIC_METRICS_CONFIG, "same",
                                                LearnerConfig.TOPIC_EMBEDDINGS_CONFIG, "same")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Each topic.* setting must name a different topic");
    }

    @Test
    void shouldPassKafkaSettingsThroughAndKeepItsOwnKeysOut() {
        LearnerConfig config =
                minimal(
                        Map.of(
                                "num.stream.threads", "2",
                                "producer.compression.type", "lz4",
                                "processing.guarantee", "at_least_once"));

        Properties props = config.streamsProperties("broker:9092");

        assertThat(props)
                .containsEntry("num.stream.threads", "2")
                .containsEntry("producer.compression.type", "lz4")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "vicreg-learner");
        // Our topic.* keys would be read by Kafka Streams as internal topic settings.
        assertThat(props.stringPropertyNames()).noneMatch(k -> k.startsWith("topic."));
    }

    @Test
    void shouldDefaultToExactlyOnceWithRoomForCheckpoints() {
        Properties props = minimal(Map.of()).streamsProperties("b:9092");

        assertThat(props)
                .containsEntry(
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry("producer.max.request.size", LearnerConfig.MAX_REQUEST_BYTES)
                .containsEntry("producer.transaction.timeout.ms", 120_000)
                .containsEntry("producer.batch.size", KafkaSettings.PRODUCER_BATCH_BYTES);
        assertThat(minimal(Map.of("producer.batch.size", "65536")).streamsProperties("b:9092"))
                .containsEntry("producer.batch.size", "65536");
    }

    @Test
    void shouldLetOverridesWinOverTheFile() throws Exception {
        Path file = dir.resolve("learner.properties");
        Files.writeString(file, "model.input.dim=12\ntrain.batch.size=32\n");

        LearnerConfig config =
                LearnerConfig.load(
                        file,
                        LearnerConfig.parseOverrides(List.of("train.batch.size=64", "device=cpu")));

        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.modelSpec().encoderDim()).isEqualTo(12);
    }

    @Test
    void shouldLetTheFileWinOverDefaultsAndOverridesWinOverBothWhenLoadingWithDefaults()
            throws Exception {
        Path file = dir.resolve("learner.properties");
        Files.writeString(file, "model.input.dim=12\ntrain.batch.size=32\n");

        LearnerConfig config =
                LearnerConfig.load(
                        file,
                        Map.of("train.batch.size", "16", "model.seed", "7", "model.input.dim", "3"),
                        Map.of("model.input.dim", "20"));

        assertThat(config.batchSize()).isEqualTo(32);
        assertThat(config.trainerConfig().seed()).isEqualTo(7);
        assertThat(config.modelSpec().encoderDim()).isEqualTo(20);
    }

    @Test
    void shouldExplainAMissingFileAndAnArgumentWithoutEquals() {
        assertThatThrownBy(() -> LearnerConfig.load(dir.resolve("nope.properties"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Configuration file not found: ");
        assertThatThrownBy(() -> LearnerConfig.parseOverrides(List.of("train.batch.size")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Settings are given as key=value, e.g. model.input.dim=784. Got: train.batch.size");
    }

    @Test
    void shouldRefuseAnEventsMaxRecordBytesLargerThanAWaitingViewsStoreHolds() {
        // A view accepted at this size could not be written to the pending-views changelog.
        assertThatThrownBy(
                        () ->
                                minimal(
                                        Map.of(
                                                LearnerConfig.EVENTS_MAX_RECORD_BYTES_CONFIG,
                                                LearnerTopology.MAX_INPUT_RECORD_BYTES + 1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("events.max.record.bytes")
                .hasMessageContaining("Value must be no more than 8323072");
        assertThat(
                        minimal(
                                        Map.of(
                                                LearnerConfig.EVENTS_MAX_RECORD_BYTES_CONFIG,
                                                LearnerTopology.MAX_INPUT_RECORD_BYTES))
                                .maxRecordBytes())
                .isEqualTo(8_323_072);
    }

    @Test
    void shouldGiveEachClientOnlyTheSettingsItKnowsWhenKafkaSettingsPassThrough() {
        LearnerConfig config =
                minimal(
                        Map.of(
                                "num.stream.threads", "2",
                                "processing.guarantee", "at_least_once",
                                "producer.compression.type", "lz4",
                                "security.protocol", "SASL_SSL",
                                "compression.type", "zstd",
                                "isolation.level", "read_committed"));

        assertThat(config.adminConfigs()).containsOnly(Map.entry("security.protocol", "SASL_SSL"));
        assertThat(config.consumerConfigs())
                .containsOnly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("isolation.level", "read_committed"));
        assertThat(config.producerConfigs())
                .containsOnly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("compression.type", "zstd"),
                        Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1));
    }

    @Test
    void shouldKeepTheUsersInFlightLimitWhenTheyChooseOne() {
        LearnerConfig config =
                minimal(Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"));

        assertThat(config.producerConfigs())
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    }
}
