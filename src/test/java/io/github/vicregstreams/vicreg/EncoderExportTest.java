package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncoderExportTest {

    private static byte[] checkpoint(ModelSpec spec) {
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(spec), DeviceChoice.CPU)) {
            float[][][] pairs = TestData.structuredPairs(1, 8, spec.encoderDim());
            trainer.step(pairs[0], pairs[1]);
            return trainer.checkpoint();
        }
    }

    @Test
    void shouldExportTheMlpEncoderAloneWithItsSpecStepAndLayersInTheMetadata() {
        ModelSpec spec = new ModelSpec(12, 16, 8);
        byte[] checkpoint = checkpoint(spec);

        SafetensorsReader.File file =
                SafetensorsReader.read(EncoderExport.safetensors(checkpoint, spec, "my model"));

        // Six layers; the projector is not exported.
        assertThat(file.tensors().keySet())
                .containsExactly(
                        "encoder.0.weight",
                        "encoder.0.bias",
                        "encoder.2.weight",
                        "encoder.2.bias",
                        "encoder.3.weight",
                        "encoder.3.bias",
                        "encoder.5.weight",
                        "encoder.5.bias");
        assertThat(file.tensors().get("encoder.0.weight").shape()).containsExactly(16, 12);
        assertThat(file.tensors().get("encoder.3.weight").shape()).containsExactly(16, 16);
        assertThat(file.tensors().get("encoder.5.bias").shape()).containsExactly(16);
        assertThat(file.metadata())
                .containsEntry("format", "vicreg-streams-encoder")
                .containsEntry("format_version", "1")
                .containsEntry("model_spec", "12-16-8")
                .containsEntry("encoder", "mlp")
                .containsEntry("input_dim", "12")
                .containsEntry("representation_dim", "16")
                .containsEntry("step", "1")
                .containsEntry("model_name", "my model")
                .containsEntry("checkpoint_id", EncoderExport.checkpointId(checkpoint));
        assertThat(file.metadata().get("layers"))
                .isEqualTo(
                        "[{\"op\":\"linear\",\"weight\":\"encoder.0.weight\",\"bias\":\"encoder.0.bias\"},"
                                + "{\"op\":\"relu\"},"
                                + "{\"op\":\"layer_norm\",\"weight\":\"encoder.2.weight\",\"bias\":\"encoder.2.bias\",\"eps\":1.0E-5},"
                                + "{\"op\":\"linear\",\"weight\":\"encoder.3.weight\",\"bias\":\"encoder.3.bias\"},"
                                + "{\"op\":\"relu\"},"
                                + "{\"op\":\"layer_norm\",\"weight\":\"encoder.5.weight\",\"bias\":\"encoder.5.bias\",\"eps\":1.0E-5}]");
        assertThat((List<?>) SafetensorsReader.parseJson(file.metadata().get("layers"))).hasSize(6);
    }

    @Test
    void shouldExportTheConvEncoderWithItsImageStridesAndPaddings() {
        ModelSpec spec = new ModelSpec(36, 16, 8, EncoderKind.CONV);

        SafetensorsReader.File file =
                SafetensorsReader.read(EncoderExport.safetensors(checkpoint(spec), null, null));

        assertThat(file.tensors().get("encoder.1.weight").shape()).containsExactly(32, 1, 3, 3);
        assertThat(file.tensors().get("encoder.3.weight").shape()).containsExactly(64, 32, 3, 3);
        assertThat(file.tensors().get("encoder.5.weight").shape()).containsExactly(64, 64, 3, 3);
        // 6×6 → 6×6 → 3×3 → 2×2: 64 channels of 2×2 into the linear layer.
        assertThat(file.tensors().get("encoder.8.weight").shape()).containsExactly(16, 256);
        assertThat(file.tensors().get("encoder.10.weight").shape()).containsExactly(16);
        assertThat(file.tensors()).hasSize(10);
        assertThat(file.metadata())
                .containsEntry("model_spec", "conv:36-16-8")
                .containsEntry("encoder", "conv")
                .doesNotContainKey("model_name");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers =
                (List<Map<String, Object>>)
                        SafetensorsReader.parseJson(file.metadata().get("layers"));
        assertThat(layers.stream().map(l -> l.get("op")))
                .containsExactly(
                        "image",
                        "conv2d",
                        "relu",
                        "conv2d",
                        "relu",
                        "conv2d",
                        "relu",
                        "flatten",
                        "linear",
                        "relu",
                        "layer_norm");
        assertThat(layers.get(0)).containsEntry("shape", List.of(1L, 6L, 6L));
        assertThat(layers.get(1))
                .containsEntry("stride", List.of(1L, 1L))
                .containsEntry("padding", List.of(1L, 1L));
        assertThat(layers.get(3)).containsEntry("stride", List.of(2L, 2L));
    }

    @Test
    void shouldCarryTheValuesOfTheCheckpointUnchanged() {
        ModelSpec spec = new ModelSpec(12, 16, 8);
        byte[] checkpoint = checkpoint(spec);
        ModelWeights weights = ModelWeights.fromCheckpoint(checkpoint, spec);

        SafetensorsReader.File file =
                SafetensorsReader.read(EncoderExport.safetensors(checkpoint, spec, null));

        // The checkpoint's first parameter is the first linear layer's weight.
        assertThat(weights.tensors().get(0).name()).isEqualTo("01encoder_01Linear_weight");
        assertThat(file.tensors().get("encoder.0.weight").values())
                .containsExactly(weights.tensors().get(0).values());
    }

    @Test
    void shouldBeReadableByDjlsOwnSafetensorsDecoder() {
        // DJL's NDList.decode is a safetensors reader written by others: the file must suit it.
        ModelSpec spec = new ModelSpec(36, 16, 8, EncoderKind.CONV);
        byte[] exported = EncoderExport.safetensors(checkpoint(spec), spec, null);
        SafetensorsReader.File ours = SafetensorsReader.read(exported);

        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu());
                NDList decoded = NDList.decode(manager, exported)) {
            assertThat(decoded.stream().map(NDArray::getName))
                    .containsExactlyElementsOf(ours.tensors().keySet());
            for (NDArray array : decoded) {
                SafetensorsReader.Tensor tensor = ours.tensors().get(array.getName());
                assertThat(array.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(array.getShape().getShape()).containsExactly(tensor.shape());
                assertThat(array.toFloatArray()).containsExactly(tensor.values());
            }
        }
    }

    @Test
    void shouldRefuseACheckpointOfAnotherSpecThanExpected() {
        byte[] checkpoint = checkpoint(new ModelSpec(12, 16, 8));

        assertThatThrownBy(
                        () -> EncoderExport.safetensors(checkpoint, new ModelSpec(12, 32, 8), null))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("it is for model spec 12-16-8")
                .hasMessageContaining("12-32-8 is configured");
    }

    @Test
    void shouldRefuseBytesThatAreNotACheckpoint() {
        assertThatThrownBy(() -> EncoderExport.safetensors(new byte[] {1, 2, 3}, null, null))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldNameACheckpointByItsLengthAndStoredChecksum() {
        assertThat(EncoderExport.checkpointId(new byte[] {9, 9, 0x0a, (byte) 0xbc, 0, 0x7f}))
                .isEqualTo("6-0abc007f");
    }
}
