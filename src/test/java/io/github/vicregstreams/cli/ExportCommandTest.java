package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.SafetensorsReader;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static final ModelSpec SPEC = new ModelSpec(8, 16, 8);

    /** A checkpoint of {@link #SPEC} at step 3. */
    private static byte[] checkpoint;

    @TempDir Path dir;

    @BeforeAll
    static void trainThreeSteps() {
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(SPEC), DeviceChoice.CPU)) {
            float[][] x = new float[8][SPEC.encoderDim()];
            for (int i = 0; i < x.length; i++) {
                x[i][i] = 1f;
                x[i][(i + 1) % x.length] = 0.5f;
            }
            for (int s = 0; s < 3; s++) {
                trainer.step(x, x);
            }
            checkpoint = trainer.checkpoint();
        }
    }

    private Path checkpointFile() throws Exception {
        return Files.write(dir.resolve("model.ckpt"), checkpoint);
    }

    @Test
    void shouldWriteTheEncoderOfACheckpointFileOfAnySpecWithoutSettings() throws Exception {
        Path output = dir.resolve("model.safetensors");

        CliRun run =
                CliRun.of(
                        "export",
                        "--checkpoint",
                        checkpointFile().toString(),
                        "--output",
                        output.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("Wrote " + output + " (")
                .endsWith(
                        "bytes): the encoder of checkpoint "
                                + checkpoint.length
                                + "-"
                                + hexTail(checkpoint)
                                + System.lineSeparator());
        SafetensorsReader.File file = SafetensorsReader.read(Files.readAllBytes(output));
        assertThat(file.metadata())
                .containsEntry("model_spec", "8-16-8")
                .containsEntry("step", "3")
                .doesNotContainKey("model_name");
        assertThat(file.tensors()).hasSize(8);
        try (var files = Files.list(dir)) {
            // No temporary file is left beside the output.
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.ckpt", "model.safetensors");
        }
    }

    @Test
    void shouldReadTheLatestCheckpointOfTheModelTopicAndNameItAsTheTopicDoes() throws Exception {
        // Given: the checkpoint published in chunks and a manifest, as the trainer publishes it
        String topic = "model-" + UUID.randomUUID();
        broker.get().createTopic(topic, 1, Map.of(), Duration.ofSeconds(30));
        List<CheckpointChunks.Part> parts =
                CheckpointChunks.split("vicreg", checkpoint, CheckpointHeaders.of(3, "8-16-8"));
        publish(topic, parts);
        String manifestId =
                new String(
                        parts.get(parts.size() - 1)
                                .headers()
                                .lastHeader(CheckpointChunks.ID)
                                .value(),
                        StandardCharsets.US_ASCII);
        Path output = dir.resolve("latest.safetensors");

        CliRun run = exportFromTopic(topic, "model.hidden.size=16", output);

        assertThat(run.exitCode()).as(run.err()).isZero();
        SafetensorsReader.File file = SafetensorsReader.read(Files.readAllBytes(output));
        assertThat(file.metadata())
                .containsEntry("model_spec", "8-16-8")
                .containsEntry("model_name", "vicreg")
                .containsEntry("step", "3")
                .containsEntry("checkpoint_id", manifestId);
    }

    @Test
    void shouldExitWith1AndSayWhenTheTopicHoldsNoCheckpointYet() throws Exception {
        String topic = "model-" + UUID.randomUUID();
        broker.get().createTopic(topic, 1, Map.of(), Duration.ofSeconds(30));
        Path output = dir.resolve("none.safetensors");

        CliRun run = exportFromTopic(topic, "model.hidden.size=16", output);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines())
                .singleElement()
                .asString()
                .isEqualTo(
                        "error: No checkpoint of model 'vicreg' on topic "
                                + topic
                                + " at "
                                + broker.get().bootstrapServers()
                                + " yet: the learner publishes one every"
                                + " checkpoint.interval.steps steps");
        assertThat(output).doesNotExist();
    }

    @Test
    void shouldExitWith1ForACheckpointOfAnotherSpecThanTheSettingsNamingBoth() throws Exception {
        Path output = dir.resolve("wrong.safetensors");

        CliRun run =
                CliRun.of(
                        "export",
                        "--checkpoint",
                        checkpointFile().toString(),
                        "--output",
                        output.toString(),
                        "model.input.dim=8",
                        "model.hidden.size=32",
                        "model.projection.dim=8");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines())
                .singleElement()
                .asString()
                .isEqualTo(
                        "error: Invalid checkpoint: it is for model spec 8-16-8"
                                + " (input-hidden-projection), but 8-32-8 is configured. Use a"
                                + " checkpoint of this spec or configure its spec.");
        assertThat(output).doesNotExist();
    }

    @Test
    void shouldExitWith1BeforeReadingAnythingWhenTheOutputCannotBeWritten() throws Exception {
        Path missingFolder = dir.resolve("no-such-folder").resolve("model.safetensors");

        CliRun intoMissing =
                CliRun.of(
                        "export",
                        "--checkpoint",
                        checkpointFile().toString(),
                        "--output",
                        missingFolder.toString());
        CliRun ontoFolder =
                CliRun.of(
                        "export",
                        "--checkpoint",
                        checkpointFile().toString(),
                        "--output",
                        dir.toString());

        assertThat(intoMissing.exitCode()).isEqualTo(1);
        assertThat(intoMissing.err().lines())
                .singleElement()
                .asString()
                .isEqualTo("error: " + missingFolder + ": --output: its folder does not exist");
        assertThat(ontoFolder.exitCode()).isEqualTo(1);
        assertThat(ontoFolder.err().lines())
                .singleElement()
                .asString()
                .isEqualTo("error: --output " + dir + " is a directory; name a file in it");
    }

    @Test
    void shouldExitWith1ForAMissingOrCorruptCheckpointFile() throws Exception {
        Path output = dir.resolve("x.safetensors");
        Path corrupt = Files.write(dir.resolve("bad.ckpt"), new byte[] {1, 2, 3});

        CliRun missing =
                CliRun.of(
                        "export",
                        "--checkpoint",
                        dir.resolve("absent.ckpt").toString(),
                        "--output",
                        output.toString());
        CliRun bad =
                CliRun.of(
                        "export",
                        "--checkpoint",
                        corrupt.toString(),
                        "--output",
                        output.toString());

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().lines())
                .singleElement()
                .asString()
                .contains("absent.ckpt", "checkpoint file not found");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err().lines())
                .singleElement()
                .asString()
                .startsWith("error: Invalid checkpoint: truncated");
        assertThat(output).doesNotExist();
    }

    @Test
    void shouldExitWith2WithoutOutput() {
        CliRun run = CliRun.of("export", "--checkpoint", "model.ckpt");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required option: '--output=FILE'");
    }

    private CliRun exportFromTopic(String topic, String setting, Path output) {
        return CliRun.of(
                "export",
                "--bootstrap-servers",
                broker.get().bootstrapServers(),
                "--connect-timeout",
                "30",
                "--output",
                output.toString(),
                "model.input.dim=8",
                setting,
                "model.projection.dim=8",
                "topic.model=" + topic);
    }

    private static void publish(String topic, List<CheckpointChunks.Part> parts) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.get().bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (CheckpointChunks.Part part : parts) {
                producer.send(
                        new ProducerRecord<>(
                                topic, null, part.key(), part.value(), part.headers()));
            }
        }
    }

    private static String hexTail(byte[] bytes) {
        return HexFormat.of().formatHex(bytes, bytes.length - 4, bytes.length);
    }
}
