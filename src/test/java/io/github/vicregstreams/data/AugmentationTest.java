package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AugmentationTest {

    private static final ImageShape SHAPE = new ImageShape(6, 5);

    /** An image whose pixel at index k is (k + 1) / 30: every pixel distinct and non-zero. */
    private static float[] image() {
        float[] x = new float[SHAPE.pixels()];
        for (int k = 0; k < x.length; k++) {
            x[k] = (k + 1) / 30f;
        }
        return x;
    }

    static Stream<Augmentation> everyAugmentation() {
        return Stream.of(
                new RandomShift(SHAPE, 2),
                new HorizontalFlip(SHAPE, 0.5),
                new GaussianNoise(0.1),
                new RandomErasing(SHAPE, 1.0, 0.1, 0.4),
                new RandomResizedCrop(SHAPE, 0.5, 1.0),
                new RandomMasking(0.3),
                new RandomScaling(0.5, 1.5),
                Augmentations.imageDefaults(SHAPE),
                Augmentations.vectorDefaults(),
                Augmentations.identity());
    }

    @ParameterizedTest
    @MethodSource("everyAugmentation")
    void shouldKeepTheLengthAndLeaveTheInputUnchanged(Augmentation augmentation) {
        float[] x = image();

        float[] y = augmentation.apply(x, new SplittableRandom(1));

        assertThat(y).hasSize(x.length).isNotSameAs(x);
        assertThat(x).containsExactly(image());
    }

    @ParameterizedTest
    @MethodSource("everyAugmentation")
    void shouldGiveTheSameResultWhenTheGeneratorStartsFromTheSameSeed(Augmentation augmentation) {
        float[] first = augmentation.apply(image(), new SplittableRandom(42));
        float[] second = augmentation.apply(image(), new SplittableRandom(42));

        assertThat(first).containsExactly(second);
    }

    @Test
    void shouldLeaveTheImageUnchangedWhenTheShiftIsZero() {
        float[] y = new RandomShift(SHAPE, 0).apply(image(), new SplittableRandom(3));

        assertThat(y).containsExactly(image());
    }

    @Test
    void shouldMovePixelsAndFillWithZerosWhenShifted() {
        // 2x3 image:      shifted 1 down, 1 left:
        //   1 2 3            0 0 0
        //   4 5 6            2 3 0
        RandomShift shift = new RandomShift(new ImageShape(2, 3), 1);

        float[] y = shift.shift(new float[] {1, 2, 3, 4, 5, 6}, 1, -1);

        assertThat(y).containsExactly(0, 0, 0, 2, 3, 0);
    }

    @Test
    void shouldShiftByAtMostTheMaximum() {
        // A single lit pixel in the centre of a 7x7 image ends up at most 1 away in each direction.
        ImageShape shape = new ImageShape(7, 7);
        RandomShift shift = new RandomShift(shape, 1);
        float[] x = new float[49];
        x[3 * 7 + 3] = 1f;
        SplittableRandom rng = new SplittableRandom(5);
        boolean[] seen = new boolean[9];
        for (int i = 0; i < 200; i++) {
            float[] y = shift.apply(x, rng);
            int lit = indexOfMax(y);
            int dy = lit / 7 - 3;
            int dx = lit % 7 - 3;
            assertThat(Math.abs(dy)).isLessThanOrEqualTo(1);
            assertThat(Math.abs(dx)).isLessThanOrEqualTo(1);
            seen[(dy + 1) * 3 + dx + 1] = true;
        }
        assertThat(seen).containsOnly(true); // every shift in [-1, 1]² happens
    }

    @Test
    void shouldMirrorEachRowWhenFlipped() {
        HorizontalFlip flip = new HorizontalFlip(new ImageShape(2, 3), 1.0);

        float[] y = flip.apply(new float[] {1, 2, 3, 4, 5, 6}, new SplittableRandom(0));

        assertThat(y).containsExactly(3, 2, 1, 6, 5, 4);
    }

    @Test
    void shouldRestoreTheImageWhenFlippedTwice() {
        HorizontalFlip flip = new HorizontalFlip(SHAPE, 1.0);
        SplittableRandom rng = new SplittableRandom(0);

        float[] y = flip.apply(flip.apply(image(), rng), rng);

        assertThat(y).containsExactly(image());
    }

    @Test
    void shouldFlipAboutHalfTheTimeWhenTheProbabilityIsAHalf() {
        HorizontalFlip flip = new HorizontalFlip(SHAPE, 0.5);
        SplittableRandom rng = new SplittableRandom(9);
        int flipped = 0;
        for (int i = 0; i < 2_000; i++) {
            flipped += flip.apply(image(), rng)[0] != image()[0] ? 1 : 0;
        }
        assertThat(flipped / 2_000.0).isCloseTo(0.5, within(0.05));
    }

    @Test
    void shouldDropTheExpectedFractionWhenMasking() {
        float[] x = new float[100_000];
        java.util.Arrays.fill(x, 1f);

        float[] y = new RandomMasking(0.3).apply(x, new SplittableRandom(11));

        long zeros = 0;
        for (float v : y) {
            zeros += v == 0f ? 1 : 0;
            assertThat(v).isIn(0f, 1f);
        }
        assertThat(zeros / 100_000.0).isCloseTo(0.3, within(0.01));
    }

    @Test
    void shouldAddNoiseOfTheGivenStandardDeviation() {
        float[] x = new float[100_000];

        float[] y = new GaussianNoise(0.2).apply(x, new SplittableRandom(13));

        double sum = 0;
        double sumOfSquares = 0;
        for (float v : y) {
            sum += v;
            sumOfSquares += v * v;
        }
        double mean = sum / y.length;
        assertThat(mean).isCloseTo(0.0, within(0.005));
        assertThat(Math.sqrt(sumOfSquares / y.length - mean * mean)).isCloseTo(0.2, within(0.005));
    }

    @Test
    void shouldScaleTheWholeVectorByOneFactorInRange() {
        float[] x = {1f, -2f, 4f};
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < 100; i++) {
            float[] y = new RandomScaling(0.5, 1.5).apply(x, rng);
            float factor = y[0];
            assertThat(factor).isBetween(0.5f, 1.5f);
            assertThat(y[1]).isCloseTo(-2f * factor, within(1e-6f));
            assertThat(y[2]).isCloseTo(4f * factor, within(1e-6f));
        }
    }

    @Test
    void shouldEraseARectangleWithinTheAreaRangeWhenErasing() {
        ImageShape shape = new ImageShape(20, 20);
        float[] x = new float[400];
        java.util.Arrays.fill(x, 1f);
        SplittableRandom rng = new SplittableRandom(19);
        for (int i = 0; i < 50; i++) {
            float[] y = new RandomErasing(shape, 1.0, 0.1, 0.3).apply(x, rng);
            int erased = 0;
            for (float v : y) {
                erased += v == 0f ? 1 : 0;
            }
            // Rounding the sides to whole pixels moves the area a little beyond the range.
            assertThat(erased).isBetween(30, 140);
        }
    }

    @Test
    void shouldLeaveTheImageWholeWhenTheErasingProbabilityIsZero() {
        float[] y = new RandomErasing(SHAPE, 0.0, 0.1, 0.4).apply(image(), new SplittableRandom(2));

        assertThat(y).containsExactly(image());
    }

    @Test
    void shouldGiveTheSameImageWhenTheCropIsTheWholeImage() {
        RandomResizedCrop crop = new RandomResizedCrop(SHAPE, 1.0, 1.0);

        float[] y = crop.resize(image(), new CropBox(0, 0, SHAPE.height(), SHAPE.width()));

        assertThat(y).containsExactly(image());
    }

    @Test
    void shouldEnlargeTheCroppedCornerWhenResizing() {
        // The top-left 1x1 crop of a 2x2 image fills the whole output with that pixel.
        RandomResizedCrop crop = new RandomResizedCrop(new ImageShape(2, 2), 0.25, 1.0);

        float[] y = crop.resize(new float[] {7, 1, 1, 1}, new CropBox(0, 0, 1, 1));

        assertThat(y).containsExactly(7, 7, 7, 7);
    }

    @Test
    void shouldApplyTheStepsInOrderWhenComposed() {
        Augmentation addOne = (x, rng) -> add(x, 1f);
        Augmentation timesTwo = new RandomScaling(2.0, 2.0);

        float[] y =
                Augmentations.compose(addOne, timesTwo)
                        .apply(new float[] {1f}, new SplittableRandom(0));
        float[] z = addOne.andThen(timesTwo).apply(new float[] {1f}, new SplittableRandom(0));

        assertThat(y).containsExactly(4f);
        assertThat(z).containsExactly(4f);
    }

    @Test
    void shouldPickTheImagePipelineForImageData() {
        Dataset images = Dataset.of("i", new float[][] {image()}, null, SHAPE);
        Dataset vectors = Dataset.of("v", new float[][] {{1f, 2f, 3f}}, null, null);

        assertThat(Augmentations.defaultsFor(images)).isEqualTo(Augmentations.imageDefaults(SHAPE));
        assertThat(Augmentations.defaultsFor(vectors)).isEqualTo(Augmentations.vectorDefaults());
    }

    @Test
    void shouldRejectAnImageOfTheWrongLength() {
        assertThatThrownBy(
                        () ->
                                new RandomShift(SHAPE, 1)
                                        .apply(new float[7], new SplittableRandom(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected 30 values for a 6x5 image. Got: 7");
    }

    @Test
    void shouldRejectSettingsOutOfRange() {
        assertThatThrownBy(() -> new RandomShift(SHAPE, -1))
                .hasMessage("maxShift must be at least 0. Got: -1");
        assertThatThrownBy(() -> new HorizontalFlip(SHAPE, 1.5))
                .hasMessage("probability must be between 0 and 1. Got: 1.5");
        assertThatThrownBy(() -> new GaussianNoise(Double.NaN))
                .hasMessage("sigma must be a finite number of at least 0. Got: NaN");
        assertThatThrownBy(() -> new RandomMasking(-0.1))
                .hasMessage("fraction must be between 0 and 1. Got: -0.1");
        assertThatThrownBy(() -> new RandomScaling(2.0, 1.0))
                .hasMessage("max must be at least min (2.0). Got: 1.0");
        assertThatThrownBy(() -> new RandomErasing(SHAPE, 0.5, 0.0, 0.2))
                .hasMessage("minArea must be greater than 0 and at most 1. Got: 0.0");
        assertThatThrownBy(() -> new RandomResizedCrop(SHAPE, 0.8, 0.5))
                .hasMessage("maxScale must be at least minScale (0.8). Got: 0.5");
    }

    private static float[] add(float[] x, float value) {
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += value;
        }
        return y;
    }

    private static int indexOfMax(float[] y) {
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }
}
