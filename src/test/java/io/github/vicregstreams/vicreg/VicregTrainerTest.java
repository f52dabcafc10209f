package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VicregTrainerTest {

    private static final ModelSpec SMALL = new ModelSpec(12, 32, 16);

    private static VicregTrainer smallTrainer() {
        return VicregTrainer.create(TrainerConfig.defaults(SMALL), DeviceChoice.CPU);
    }

    @Test
    void shouldLowerTheLossWithoutCollapseOnStructuredData() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][][] first = TestData.structuredPairs(0, 64, 12);
            double initialLoss = trainer.step(first[0], first[1]).loss().total();
            StepResult last = null;
            for (int i = 1; i <= 150; i++) {
                float[][][] batch = TestData.structuredPairs(i, 64, 12);
                last = trainer.step(batch[0], batch[1]);
            }

            assertThat(last.applied()).isTrue();
            assertThat(last.step()).isEqualTo(151);
            assertThat(last.loss().total()).isLessThan(0.7 * initialLoss);
            // No collapse: every projection dimension keeps a clear spread.
            assertThat(last.projectionStdMin()).isGreaterThan(0.3);
        }
    }

    @Test
    void shouldLowerTheLossWithAConvolutionalEncoder() {
        ModelSpec conv = new ModelSpec(36, 32, 16, EncoderKind.CONV);
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(conv), DeviceChoice.CPU)) {
            float[][][] first = TestData.structuredPairs(0, 64, 36);
            double initialLoss = trainer.step(first[0], first[1]).loss().total();
            StepResult last = null;
            for (int i = 1; i <= 60; i++) {
                float[][][] batch = TestData.structuredPairs(i, 64, 36);
                last = trainer.step(batch[0], batch[1]);
            }

            assertThat(last.applied()).isTrue();
            assertThat(last.loss().total()).isLessThan(0.8 * initialLoss);
            assertThat(trainer.embed(first[0])[0]).hasSize(32);
        }
    }

    @Test
    void shouldReturnRepresentationsOfBothViewsFromTheTrainingPass() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][][] batch = TestData.structuredPairs(3, 8, 12);
            float[][] before1 = trainer.embed(batch[0]);
            float[][] before2 = trainer.embed(batch[1]);

            StepResult result = trainer.step(batch[0], batch[1]);

            assertThat(result.representationStep()).isZero();
            assertThat(result.batchSize()).isEqualTo(8);
            assertThat(result.representations1()).hasDimensions(8, 32);
            assertThat(result.projectionStd()).hasDimensions(2, 16);
            for (int i = 0; i < 8; i++) {
                assertThat(result.representations1()[i]).containsExactly(before1[i]);
                assertThat(result.representations2()[i]).containsExactly(before2[i]);
            }
            assertThat(trainer.embed(batch[0])[0]).isNotEqualTo(before1[0]);
        }
    }

    @Test
    void shouldComputeTheSameLossAsThePlainArrayFunctionOnTheProjections() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][][] batch = TestData.structuredPairs(5, 16, 12);

            StepResult result = trainer.step(batch[0], batch[1]);

            assertThat(result.loss().isFinite()).isTrue();
            assertThat(result.loss().total())
                    .isEqualTo(
                            25 * result.loss().invariance()
                                    + 25 * result.loss().variance()
                                    + result.loss().covariance(),
                            org.assertj.core.api.Assertions.within(1e-4 * result.loss().total()));
            assertThat(result.gradientNorm()).isPositive().isFinite();
        }
    }

    @Test
    void shouldSkipTheUpdateAndKeepParametersWhenTheLossIsNotFinite() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][][] good = TestData.structuredPairs(1, 8, 12);
            trainer.step(good[0], good[1]);
            byte[] before = trainer.checkpoint();
            float[][] huge = new float[8][12];
            for (float[] row : huge) {
                Arrays.fill(row, Float.MAX_VALUE / 2);
            }

            StepResult result = trainer.step(huge, TestData.copy(huge));

            assertThat(result.applied()).isFalse();
            assertThat(result.skipReason()).startsWith("non-finite loss");
            assertThat(result.step()).isEqualTo(1);
            assertThat(trainer.step()).isEqualTo(1);
            assertThat(trainer.checkpoint()).isEqualTo(before);
            // And the next good batch trains as usual.
            assertThat(trainer.step(good[0], good[1]).applied()).isTrue();
        }
    }

    @Test
    void shouldKeepTheTrainersArrayCountFlatAcrossSteps() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][][] batch = TestData.structuredPairs(2, 16, 12);
            trainer.step(batch[0], batch[1]);
            trainer.embed(batch[0]);
            int afterWarmUp = trainer.managedArrayCount();

            for (int i = 0; i < 5; i++) {
                trainer.step(batch[0], batch[1]);
                trainer.embed(batch[1]);
            }

            assertThat(trainer.managedArrayCount()).isEqualTo(afterWarmUp);
        }
    }

    @Test
    void shouldTrainWithEachOptimizer() {
        for (OptimizerConfig optimizer :
                new OptimizerConfig[] {
                    OptimizerConfig.adam(1e-3f).withWeightDecay(1e-4f),
                    OptimizerConfig.sgd(1e-2f, 0.9f).withWeightDecay(1e-4f),
                    OptimizerConfig.lars(0.2f).withWeightDecay(1e-6f)
                }) {
            try (VicregTrainer trainer =
                    VicregTrainer.create(
                            TrainerConfig.defaults(SMALL).withOptimizer(optimizer),
                            DeviceChoice.CPU)) {
                float[][][] batch = TestData.structuredPairs(4, 32, 12);
                double first = trainer.step(batch[0], batch[1]).loss().total();
                StepResult last = null;
                for (int i = 0; i < 30; i++) {
                    last = trainer.step(batch[0], batch[1]);
                }
                assertThat(last.loss().total()).as("%s", optimizer.kind()).isLessThan(first);
            }
        }
    }

    @Test
    void shouldStartFromTheSameWeightsForTheSameSeed() {
        float[][] samples = TestData.gaussian(9, 3, 12, 1);
        try (VicregTrainer a = smallTrainer();
                VicregTrainer b = smallTrainer();
                VicregTrainer c =
                        VicregTrainer.create(
                                TrainerConfig.defaults(SMALL).withSeed(7), DeviceChoice.AUTO)) {
            assertThat(a.embed(samples)[2]).containsExactly(b.embed(samples)[2]);
            assertThat(a.embed(samples)[2]).isNotEqualTo(c.embed(samples)[2]);
        }
    }

    @Test
    void shouldRejectBatchesOfTheWrongShape() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][] good = TestData.gaussian(1, 4, 12, 1);
            float[][] wide = TestData.gaussian(1, 4, 13, 1);
            float[][] single = TestData.gaussian(1, 1, 12, 1);
            float[][] shorter = TestData.gaussian(1, 3, 12, 1);

            assertThatThrownBy(() -> trainer.step(wide, wide))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "samples must have 12 features (the model's input dimension). Got: 13");
            assertThatThrownBy(() -> trainer.step(single, single))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("view1 must have at least 2 rows. Got: 1");
            assertThatThrownBy(() -> trainer.step(good, shorter))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "view1 and view2 must have the same shape. Got: [4, 12] and [3, 12]");
            assertThatThrownBy(() -> trainer.embed(new float[0][]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("samples must have at least 1 rows. Got: 0");
            assertThat(trainer.step()).isZero();
        }
    }

    @Test
    void shouldRejectNonFiniteOrRaggedBatches() {
        try (VicregTrainer trainer = smallTrainer()) {
            float[][] good = TestData.gaussian(1, 4, 12, 1);
            float[][] withNan = TestData.copy(good);
            withNan[3][11] = Float.NaN;
            float[][] ragged = TestData.copy(good);
            ragged[2] = new float[5];

            assertThatThrownBy(() -> trainer.step(good, withNan))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("view2 must hold finite values. Got: NaN at [3][11]");
            assertThatThrownBy(() -> trainer.embed(ragged))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "samples must not be ragged: every row must have 12 values, as row 0 has."
                                    + " Got: row 2 with 5");
        }
    }

    @Test
    void shouldRefuseUseAfterClose() {
        VicregTrainer trainer = smallTrainer();
        trainer.close();
        trainer.close();

        assertThatThrownBy(() -> trainer.embed(TestData.gaussian(1, 2, 12, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this trainer is closed");
    }

    @Test
    void shouldFailClearlyWhenAGpuIsAskedForAndThereIsNone() {
        assumeThat(Djl.engine().getGpuCount()).as("this machine has no GPU").isZero();

        assertThatThrownBy(
                        () -> VicregTrainer.create(TrainerConfig.defaults(SMALL), DeviceChoice.GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "device=gpu was asked for, but the PyTorch engine sees no GPU");
    }

    @Test
    void shouldParseDeviceAndOptimizerNames() {
        assertThat(DeviceChoice.parse(" GPU ")).isEqualTo(DeviceChoice.GPU);
        assertThat(OptimizerConfig.Kind.parse("Lars")).isEqualTo(OptimizerConfig.Kind.LARS);
        assertThatThrownBy(() -> DeviceChoice.parse("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device must be one of auto, cpu, gpu. Got: tpu");
        assertThatThrownBy(() -> OptimizerConfig.Kind.parse("rmsprop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer must be one of adam, sgd, lars. Got: rmsprop");
        assertThatThrownBy(() -> OptimizerConfig.adam(0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("learningRate must be a finite number > 0.0. Got: 0.0");
    }
}
