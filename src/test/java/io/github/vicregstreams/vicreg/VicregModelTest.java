package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

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
          block.projector().forward(store, new NDList(representation), false).singletonOrThrow();

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
          block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();

      long linears = (287 * 512 + 512) + 3 * (512 * 512 + 512) + (512 * 256 + 256);
      long layerNorms = 3 * 2 * 512;
      assertThat(count).isEqualTo(linears + layerNorms);
    }
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
}
