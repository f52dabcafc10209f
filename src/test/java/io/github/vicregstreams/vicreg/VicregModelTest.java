package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VicregModelTest {

    @Test
    void shouldUseTheSeedsDefaults() {
        ModelSpec spec = ModelSpec.of(287);

        assertThat(spec).isEqualTo(new ModelSpec(287, 512, 256));
        assertThat(Vicreg.outputSize(spec)).isEqualTo(256);
        assertThat(Vicreg.DEFAULT_LAMBDA_INV).isEqualTo(25f);
        assertThat(Vicreg.DEFAULT_MU_VAR).isEqualTo(25f);
        assertThat(Vicreg.DEFAULT_NU_COV).isEqualTo(1f);
        assertThat(Vicreg.DEFAULT_VARIANCE_TARGET).isEqualTo(1f);
    }

    @Test
    void shouldMapInputsToProjectionsAndTheEncoderToRepresentations() {
        ModelSpec spec = new ModelSpec(10, 16, 8);
        VicregBlock block = Vicreg.build(spec);
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 10));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(5, 10));

            NDArray projection = block.forward(store, new NDList(input), false).singletonOrThrow();
            NDArray representation =
                    block.encoder().forward(store, new NDList(input), false).singletonOrThrow();
            NDArray viaProjector =
                    block.projector()
                            .forward(store, new NDList(representation), false)
                            .singletonOrThrow();

            assertThat(projection.getShape()).isEqualTo(new Shape(5, 8));
            assertThat(representation.getShape()).isEqualTo(new Shape(5, 16));
            assertThat(block.getOutputShapes(new Shape[] {new Shape(5, 10)})[0])
                    .isEqualTo(new Shape(5, 8));
            assertThat(viaProjector.toFloatArray()).containsExactly(projection.toFloatArray());
        }
    }

    @Test
    void shouldHaveTheParametersOfTheDesignedLayers() {
        ModelSpec spec = new ModelSpec(287, 512, 256);
        VicregBlock block = Vicreg.build(spec);
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 287));
            long count =
                    block.getParameters().values().stream()
                            .mapToLong(p -> p.getArray().size())
                            .sum();

            long linears = (287 * 512 + 512) + 3 * (512 * 512 + 512) + (512 * 256 + 256);
            long layerNorms = 3 * 2 * 512;
            assertThat(count).isEqualTo(linears + layerNorms);
        }
    }

    @Test
    void shouldReadTheInputAsAnImageInTheConvolutionalEncoder() {
        ModelSpec spec = new ModelSpec(64, 16, 8, EncoderKind.CONV);
        VicregBlock block = Vicreg.build(spec);
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(5, 64));

            NDArray projection = block.forward(store, new NDList(input), false).singletonOrThrow();
            NDArray representation =
                    block.encoder().forward(store, new NDList(input), false).singletonOrThrow();
            NDArray oneRow =
                    block.encoder()
                            .forward(store, new NDList(input.get("2:3")), false)
                            .singletonOrThrow();

            assertThat(spec.imageSide()).isEqualTo(8);
            assertThat(projection.getShape()).isEqualTo(new Shape(5, 8));
            assertThat(representation.getShape()).isEqualTo(new Shape(5, 16));
            // Row by row: a row's representation does not depend on the rest of its batch.
            float[] inBatch = representation.get("2:3").toFloatArray();
            float[] alone = oneRow.toFloatArray();
            for (int i = 0; i < alone.length; i++) {
                assertThat(alone[i]).isCloseTo(inBatch[i], within(1e-5f));
            }
            long c = VicregBlock.CONV_CHANNELS;
            // Three 3x3 convolutions (1 -> c -> 2c -> 2c), 8x8 -> 8x8 -> 4x4 -> 2x2, then 2c*2*2 ->
            // 16.
            long convolutions = (9 * c + c) + (9 * c * 2 * c + 2 * c) + (9 * 2 * c * 2 * c + 2 * c);
            long encoderLinear = 2 * c * 2 * 2 * 16 + 16;
            long encoderLayerNorm = 2 * 16;
            long projector = (16 * 16 + 16) + 2 * 16 + (16 * 16 + 16) + (16 * 8 + 8);
            long count =
                    block.getParameters().values().stream()
                            .mapToLong(p -> p.getArray().size())
                            .sum();
            assertThat(count)
                    .isEqualTo(convolutions + encoderLinear + encoderLayerNorm + projector);
        }
    }

    @Test
    void shouldDescribeSpecsInOneWord() {
        assertThat(new ModelSpec(784, 512, 256)).hasToString("784-512-256");
        assertThat(new ModelSpec(784, 512, 256, EncoderKind.CONV)).hasToString("conv:784-512-256");
        assertThat(EncoderKind.parse(" Conv ")).isEqualTo(EncoderKind.CONV);
        assertThatThrownBy(() -> EncoderKind.parse("resnet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoder must be one of mlp, conv. Got: resnet");
    }

    @Test
    void shouldRefuseAConvolutionalEncoderForInputsThatAreNotSquareImages() {
        assertThatThrownBy(() -> new ModelSpec(287, 512, 256, EncoderKind.CONV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the conv encoder takes square single-channel images of side at least 4 (input"
                                + " dimension 16, 25, …, 784 for 28×28). Got input dimension: 287");
        assertThatThrownBy(() -> new ModelSpec(9, 512, 256, EncoderKind.CONV))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelSpec(287, 512, 256).imageSide())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectNonPositiveDimensions() {
        assertThatThrownBy(() -> new ModelSpec(0, 512, 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoderDim must be at least 1. Got: 0");
        assertThatThrownBy(() -> ModelSpec.of(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoderDim must be at least 1. Got: -3");
    }

    @ParameterizedTest
    @CsvSource({
        "287,512,256,MLP",
        "10,16,8,MLP",
        "784,512,256,CONV",
        "25,16,8,CONV",
        "49,32,8,CONV"
    })
    void shouldCountTheParametersTheBuiltModelHas(
            int input, int hidden, int projection, EncoderKind encoder) {
        ModelSpec spec = new ModelSpec(input, hidden, projection, encoder);
        VicregBlock block = Vicreg.build(spec);
        try (NDManager manager = Djl.engine().newBaseManager(Device.cpu())) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, input));
            var parameters = block.getParameters();
            long values = 0;
            for (var p : parameters) {
                values += p.getValue().getArray().size();
            }

            assertThat(spec.parameterTensors()).isEqualTo(parameters.size());
            assertThat(spec.parameterCount()).isEqualTo(values);
        }
    }
}
