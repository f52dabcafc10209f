package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InferenceModelTest {

    private static final ModelSpec SPEC = new ModelSpec(12, 16, 8);

    private static VicregTrainer trained(int steps) {
        VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(SPEC), DeviceChoice.CPU);
        for (int s = 0; s < steps; s++) {
            float[][][] pairs = TestData.structuredPairs(s, 8, SPEC.encoderDim());
            trainer.step(pairs[0], pairs[1]);
        }
        return trainer;
    }

    @Test
    void shouldEmbedExactlyAsTheTrainerOfTheSameCheckpoint() {
        float[][] samples = TestData.gaussian(3, 5, SPEC.encoderDim(), 1.0);
        try (VicregTrainer trainer = trained(3);
                InferenceModel model =
                        InferenceModel.create(
                                ModelWeights.fromCheckpoint(trainer.checkpoint(), SPEC),
                                DeviceChoice.CPU)) {
            assertThat(model.step()).isEqualTo(3);
            assertThat(model.embed(samples)).isDeepEqualTo(trainer.embed(samples));
        }
    }

    @Test
    void shouldStartFromTheWeightsOfAFreshTrainerWithTheSameSeed() {
        float[][] samples = TestData.gaussian(4, 3, SPEC.encoderDim(), 1.0);
        TrainerConfig config = TrainerConfig.defaults(SPEC);
        try (VicregTrainer fresh =
                        VicregTrainer.create(TrainerConfig.defaults(SPEC), DeviceChoice.CPU);
                InferenceModel model =
                        InferenceModel.create(
                                ModelWeights.initial(config, DeviceChoice.CPU), DeviceChoice.CPU)) {
            assertThat(model.step()).isZero();
            assertThat(model.embed(samples)).isDeepEqualTo(fresh.embed(samples));
        }
    }

    @Test
    void shouldGiveEachRowTheSameRepresentationWhateverTheBatch() {
        float[][] samples = TestData.gaussian(5, 6, SPEC.encoderDim(), 1.0);
        try (VicregTrainer trainer = trained(1);
                InferenceModel model =
                        InferenceModel.create(
                                ModelWeights.fromCheckpoint(trainer.checkpoint(), SPEC),
                                DeviceChoice.CPU)) {
            float[][] batch = model.embed(samples);
            for (int i = 0; i < samples.length; i++) {
                float[] alone = model.embed(new float[][] {samples[i]})[0];
                assertThat(alone)
                        .containsExactly(batch[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void shouldMultiplyTheRepresentationsByTheOutputMapUntilItIsRemoved() {
        float[][] samples = TestData.gaussian(7, 4, SPEC.encoderDim(), 1.0);
        int d = SPEC.hiddenSize();
        float[][] reversal = new float[d][d]; // a permutation: column j takes value d-1-j
        for (int i = 0; i < d; i++) {
            reversal[i][d - 1 - i] = 1f;
        }
        try (VicregTrainer trainer = trained(1);
                InferenceModel model =
                        InferenceModel.create(
                                ModelWeights.fromCheckpoint(trainer.checkpoint(), SPEC),
                                DeviceChoice.CPU)) {
            float[][] plain = model.embed(samples);

            model.mapOutputs(reversal);
            float[][] mapped = model.embed(samples);
            model.mapOutputs(null);

            for (int r = 0; r < samples.length; r++) {
                for (int j = 0; j < d; j++) {
                    assertThat(mapped[r][j]).isEqualTo(plain[r][d - 1 - j]);
                }
            }
            assertThat(model.embed(samples)).isDeepEqualTo(plain);
            assertThatThrownBy(() -> model.mapOutputs(new float[d - 1][d]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "the output map must have "
                                    + d
                                    + " rows, one per representation value. Got: "
                                    + (d - 1));
        }
    }

    @Test
    void shouldRefuseACheckpointOfAnotherSpecNamingBoth() {
        try (VicregTrainer trainer = trained(0)) {
            byte[] checkpoint = trainer.checkpoint();
            assertThatThrownBy(
                            () -> ModelWeights.fromCheckpoint(checkpoint, new ModelSpec(12, 32, 8)))
                    .isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("12-16-8")
                    .hasMessageContaining("12-32-8");
        }
    }

    @Test
    void shouldFingerprintACheckpointByItsLengthAndChecksum() {
        try (VicregTrainer a = trained(1);
                VicregTrainer b = trained(2)) {
            byte[] one = a.checkpoint();
            assertThat(ModelWeights.fingerprint(one))
                    .isEqualTo(ModelWeights.fingerprint(one.clone()));
            assertThat(ModelWeights.fingerprint(one))
                    .isNotEqualTo(ModelWeights.fingerprint(b.checkpoint()));
            assertThat(ModelWeights.fromCheckpoint(one, SPEC).fingerprint())
                    .isEqualTo(ModelWeights.fingerprint(one));
        }
    }

    @Test
    void shouldRefuseTheWrongWidthAndAClosedModel() {
        try (VicregTrainer trainer = trained(0)) {
            InferenceModel model =
                    InferenceModel.create(
                            ModelWeights.fromCheckpoint(trainer.checkpoint(), SPEC),
                            DeviceChoice.CPU);
            assertThatThrownBy(() -> model.embed(new float[][] {new float[3]}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "samples must have 12 features (the model's input dimension). Got: 3");
            model.close();
            model.close();
            assertThatThrownBy(() -> model.embed(new float[][] {new float[12]}))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
