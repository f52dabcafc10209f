package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Updates in blocks of rows must write exactly what updates of whole parameters write. */
class ParameterOptimizerTest {

    private static final long WHOLE = Long.MAX_VALUE;

    @RegisterExtension final NoGradManager arrays = new NoGradManager();

    static Stream<Arguments> optimizersAndShapes() {
        List<OptimizerConfig> optimizers =
                List.of(
                        OptimizerConfig.adam(1e-2f),
                        OptimizerConfig.sgd(1e-2f, 0.9f),
                        OptimizerConfig.lars(1e-1f));
        // Blocks of 5 rows: 23 rows leave a short last block; a 1-D parameter blocks by elements.
        List<long[]> shapes = List.of(new long[] {23, 16}, new long[] {40}, new long[] {3, 16});
        return optimizers.stream()
                .flatMap(o -> shapes.stream().map(s -> Arguments.of(o.kind(), o, s)));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("optimizersAndShapes")
    void shouldUpdateInBlocksExactlyAsWholeParameters(
            OptimizerConfig.Kind kind, OptimizerConfig config, long[] shape) {
        Shape parameterShape = new Shape(shape);
        long rowLength = parameterShape.size() / shape[0];
        long fiveRows = 5 * rowLength;
        NDArray wholeWeight = randomArray(parameterShape, 1);
        NDArray blockedWeight = wholeWeight.duplicate();
        ParameterOptimizer whole = ParameterOptimizer.create(config, arrays.get());
        ParameterOptimizer blocked = ParameterOptimizer.create(config, arrays.get());

        for (int t = 0; t < 3; t++) {
            NDArray gradient = randomArray(parameterShape, 100 + t);
            whole.beginUpdate();
            blocked.beginUpdate();
            try (NDManager scope = arrays.get().newSubManager()) {
                whole.apply("p", wholeWeight, gradient, scope, WHOLE);
            }
            try (NDManager scope = arrays.get().newSubManager()) {
                blocked.apply("p", blockedWeight, gradient, scope, fiveRows);
            }
        }

        assertThat(blockedWeight.toFloatArray())
                .as("weights after 3 updates")
                .containsExactly(wholeWeight.toFloatArray());
        assertThat(blockedWeight.toFloatArray())
                .as("the updates changed the weights")
                .isNotEqualTo(randomArray(parameterShape, 1).toFloatArray());
        NDArray[] wholeSlots = whole.slotsOf("p", wholeWeight);
        NDArray[] blockedSlots = blocked.slotsOf("p", blockedWeight);
        for (int i = 0; i < wholeSlots.length; i++) {
            assertThat(blockedSlots[i].toFloatArray())
                    .as("slot %d", i)
                    .containsExactly(wholeSlots[i].toFloatArray());
        }
    }

    private NDArray randomArray(Shape shape, long seed) {
        Random random = new Random(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return arrays.get().create(values, shape);
    }
}
