package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.EncoderExport;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.SafetensorsReader;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /model?format=...} over real HTTP, with a real checkpoint fed to the monitor's model. */
class ModelDownloadEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final ModelSpec SPEC = new ModelSpec(12, 16, 8);

    private static byte[] checkpoint;

    private final HttpClient http = HttpClient.newHttpClient();
    private LearnerMonitor monitor;

    @BeforeAll
    static void trainOneStep() {
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(SPEC), DeviceChoice.CPU)) {
            float[][] x = new float[8][SPEC.encoderDim()];
            for (int i = 0; i < x.length; i++) {
                x[i][i] = 1f;
            }
            trainer.step(x, x);
            checkpoint = trainer.checkpoint();
        }
    }

    @BeforeEach
    void start() {
        MonitorConfig config =
                MonitorConfig.defaults()
                        .withPort(MonitorConfig.ANY_PORT)
                        .withAnalysisInterval(Duration.ofHours(1));
        monitor =
                LearnerMonitor.startDetached(
                        config,
                        new LearnerMonitorEndpointsTest.FakeStreams(),
                        Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private void publish() {
        monitor.model()
                .setCheckpoint(
                        new MonitorModel.Checkpoint(
                                "my model", checkpoint, 1, SPEC.toString(), NOW_MS));
    }

    @Test
    void shouldServeTheEncoderAsSafetensorsWithTheSpecInItsMetadata() throws Exception {
        publish();

        HttpResponse<byte[]> response = get("model?format=safetensors");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/octet-stream");
        assertThat(response.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"my_model-step-1.safetensors\"");
        assertThat(response.headers().firstValue("ETag")).hasValue("\"step-1-safetensors\"");
        assertThat(response.headers().firstValue("X-Vicreg-Step")).hasValue("1");
        assertThat(response.headers().firstValue("X-Vicreg-Model-Spec")).hasValue("12-16-8");
        assertThat(response.body())
                .isEqualTo(EncoderExport.safetensors(checkpoint, SPEC, "my model"));
        SafetensorsReader.File file = SafetensorsReader.read(response.body());
        assertThat(file.metadata())
                .containsEntry("model_spec", "12-16-8")
                .containsEntry("model_name", "my model")
                .containsEntry("step", "1")
                .containsEntry("checkpoint_id", EncoderExport.checkpointId(checkpoint));
        assertThat(file.tensors()).containsKey("encoder.0.weight").hasSize(8);
    }

    @Test
    void shouldServeTheCheckpointItselfForFormatCheckpointAsWithoutAFormat() throws Exception {
        publish();

        HttpResponse<byte[]> explicit = get("model?format=checkpoint");
        HttpResponse<byte[]> bare = get("model");

        for (HttpResponse<byte[]> response : List.of(explicit, bare)) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(checkpoint);
            assertThat(response.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"my_model-step-1.ckpt\"");
            assertThat(response.headers().firstValue("ETag")).hasValue("\"step-1\"");
        }
    }

    @Test
    void shouldAnswer400NamingTheFormatsForAnUnknownFormatEvenBeforeACheckpoint() throws Exception {
        HttpResponse<byte[]> before = get("model?format=onnx");
        publish();
        HttpResponse<byte[]> after = get("model?x=1&format=ONNX%20v2");

        assertThat(before.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(before.body()).get("error").asText())
                .isEqualTo(
                        "Unknown model format: onnx. Use format=checkpoint (the default: what the"
                                + " learner restores) or format=safetensors (the encoder's"
                                + " weights).");
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(after.body()).get("error").asText())
                .startsWith("Unknown model format: ONNX v2.");
    }

    @Test
    void shouldAnswerUnavailableForSafetensorsBeforeTheFirstCheckpoint() throws Exception {
        HttpResponse<byte[]> response = get("model?format=safetensors");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(monitor.url().resolve(URI.create(path)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
