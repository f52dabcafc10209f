package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CheckpointTest {

    private static final ModelSpec SPEC = new ModelSpec(12, 32, 16);

    private static final int PARAMETER_COUNT_OFFSET = ForgedCheckpoints.PARAMETER_COUNT_OFFSET;

    private static VicregTrainer trainer(OptimizerConfig.Kind kind) {
        return VicregTrainer.create(
                TrainerConfig.defaults(SPEC)
                        .withOptimizer(OptimizerConfig.of(kind, 1e-2f).withWeightDecay(1e-4f))
                        .withLossWeights(LossWeights.defaults().withWeights(20f, 20f, 2f))
                        .withSeed(3),
                DeviceChoice.CPU);
    }

    private static void train(VicregTrainer trainer, int fromBatch, int toBatch) {
        for (int i = fromBatch; i < toBatch; i++) {
            float[][][] batch = TestData.structuredPairs(100 + i, 16, 12);
            trainer.step(batch[0], batch[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerConfig.Kind.class)
    void shouldContinueBitIdenticallyAfterARestore(OptimizerConfig.Kind kind) {
        try (VicregTrainer uninterrupted = trainer(kind);
                VicregTrainer interrupted = trainer(kind)) {
            train(uninterrupted, 0, 8);
            train(interrupted, 0, 4);
            byte[] midway = interrupted.checkpoint();

            try (VicregTrainer resumed = VicregTrainer.restore(midway, SPEC, DeviceChoice.CPU)) {
                assertThat(resumed.step()).isEqualTo(4);
                assertThat(resumed.config()).isEqualTo(interrupted.config());
                train(resumed, 4, 8);

                // Parameters, optimizer state and step: every byte equal.
                assertThat(resumed.checkpoint()).isEqualTo(uninterrupted.checkpoint());
            }
        }
    }

    @Test
    void shouldGiveBitIdenticalOutputsAfterARestore() {
        try (VicregTrainer original = trainer(OptimizerConfig.Kind.ADAM)) {
            train(original, 0, 3);
            float[][] samples = TestData.gaussian(77, 5, 12, 1);

            try (VicregTrainer restored =
                    VicregTrainer.restore(original.checkpoint(), null, DeviceChoice.AUTO)) {
                float[][] expected = original.embed(samples);
                float[][] actual = restored.embed(samples);
                for (int i = 0; i < samples.length; i++) {
                    assertThat(actual[i]).containsExactly(expected[i]);
                }
            }
        }
    }

    @Test
    void shouldDescribeACheckpointWithoutLoadingIt() {
        try (VicregTrainer original = trainer(OptimizerConfig.Kind.SGD)) {
            train(original, 0, 2);
            byte[] checkpoint = original.checkpoint();

            CheckpointInfo info = CheckpointInfo.of(checkpoint);

            assertThat(info.step()).isEqualTo(2);
            assertThat(info.config()).isEqualTo(original.config());
            assertThat(info.formatVersion()).isEqualTo(2);
            assertThat(info.sizeBytes()).isEqualTo(checkpoint.length);
        }
    }

    @Test
    void shouldRefuseACheckpointForAnotherModelSpec() {
        byte[] checkpoint = freshCheckpoint();
        ModelSpec other = new ModelSpec(12, 32, 8);

        assertThatThrownBy(() -> VicregTrainer.restore(checkpoint, other, DeviceChoice.CPU))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: it is for model spec 12-32-16 (input-hidden-projection), but"
                                + " 12-32-8 is configured. Use a checkpoint of this spec or configure its spec.");
    }

    @Test
    void shouldRefuseATruncatedCheckpoint() {
        byte[] checkpoint = freshCheckpoint();
        byte[] truncated = Arrays.copyOf(checkpoint, checkpoint.length - 100);

        assertThatThrownBy(() -> VicregTrainer.restore(truncated, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: truncated: "
                                + truncated.length
                                + " bytes of the "
                                + checkpoint.length
                                + " it declares");
        assertThatThrownBy(() -> VicregTrainer.restore(new byte[5], null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: truncated: 5 bytes is shorter than any checkpoint");
    }

    @Test
    void shouldRefuseACheckpointWithAFlippedBit() {
        byte[] corrupt = freshCheckpoint();
        corrupt[corrupt.length / 2] ^= 0x10;

        assertThatThrownBy(() -> VicregTrainer.restore(corrupt, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageStartingWith("Invalid checkpoint: corrupt: CRC32C checksum mismatch");
    }

    @Test
    void shouldRefuseBytesThatAreNotACheckpoint() {
        byte[] notOne = "{\"this\": \"is JSON, not a checkpoint\"}".getBytes();

        assertThatThrownBy(() -> VicregTrainer.restore(notOne, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: not a vicreg-streams checkpoint (bad magic bytes). Got:"
                                + " 7b2274686973223a");
        assertThatThrownBy(() -> VicregTrainer.restore(null, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage("Invalid checkpoint: the checkpoint is null");
    }

    @Test
    void shouldRefuseAnUnknownFormatVersion() {
        byte[] future = freshCheckpoint();
        future[8] = 9;

        assertThatThrownBy(() -> VicregTrainer.restore(future, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: unknown format version 9; this build reads version 2."
                                + " Restore it with the release that wrote it.");
    }

    @Test
    void shouldRefuseAValidlyChecksummedRecordWithAnImpossibleField() {
        byte[] forged = freshCheckpoint();
        // encoderDim is the int after magic (8), version (1) and length (4).
        ByteBuffer.wrap(forged).order(ByteOrder.LITTLE_ENDIAN).putInt(13, -5);
        reseal(forged);

        assertThatThrownBy(() -> VicregTrainer.restore(forged, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage("Invalid checkpoint: corrupt: encoderDim must be at least 1. Got: -5");
    }

    @Test
    void shouldRefuseARecordWhoseParametersDoNotMatchItsSpec() {
        byte[] forged = freshCheckpoint();
        // Claim another hidden size with the same parameter arrays: the shapes no longer match.
        ByteBuffer.wrap(forged).order(ByteOrder.LITTLE_ENDIAN).putInt(17, 31);
        reseal(forged);

        assertThatThrownBy(() -> VicregTrainer.restore(forged, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageStartingWith("Invalid checkpoint: corrupt: parameter ")
                .hasMessageContaining("more values than model spec 12-31-16 has left");
    }

    @Test
    void shouldRefuseAParameterOfAnotherShapeThanTheModelExpects() {
        byte[] forged = freshCheckpoint();
        // The first weight is (32, 12) at the first parameter's dims: claim (12, 32) instead.
        int dims = PARAMETER_COUNT_OFFSET + 8 + 2 + "01encoder_01Linear_weight".length() + 1;
        ByteBuffer.wrap(forged)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(dims, 12)
                .putLong(dims + 8, 32);
        reseal(forged);

        assertThatThrownBy(() -> VicregTrainer.restore(forged, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: parameter 0 is 01encoder_01Linear_weight of shape (12, 32),"
                                + " the model expects 01encoder_01Linear_weight of shape (32, 12)");
    }

    @Test
    void shouldRefuseAValidlyChecksummedRecordOfNaNWeights() {
        byte[] forged = freshCheckpoint();
        int firstValue =
                PARAMETER_COUNT_OFFSET + 8 + 2 + "01encoder_01Linear_weight".length() + 1 + 16;
        ByteBuffer.wrap(forged).order(ByteOrder.LITTLE_ENDIAN).putFloat(firstValue + 4, Float.NaN);
        reseal(forged);

        assertThatThrownBy(() -> ModelWeights.fromCheckpoint(forged, SPEC))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: corrupt: parameter 01encoder_01Linear_weight holds a non-finite"
                                + " weight value NaN at index 1");
    }

    @Test
    void shouldRefuseAValidlyChecksummedRecordDeclaringHugeSizesBeforeAllocatingThem() {
        // Once an OutOfMemoryError on every instance's global thread: a parameter count of 2^31 -
        // 1.
        byte[] count = ForgedCheckpoints.withParameterCount(freshCheckpoint(), 0x7fffffff);
        // A dimension of 2^40 in the first parameter's shape.
        byte[] shape = freshCheckpoint();
        int dims = PARAMETER_COUNT_OFFSET + 8 + 2 + "01encoder_01Linear_weight".length() + 1;
        ByteBuffer.wrap(shape).order(ByteOrder.LITTLE_ENDIAN).putLong(dims, 1L << 40);
        reseal(shape);
        // A hidden size that makes the model far larger than the record.
        byte[] spec = freshCheckpoint();
        ByteBuffer.wrap(spec).order(ByteOrder.LITTLE_ENDIAN).putInt(17, 1_000_000);
        reseal(spec);

        assertThatThrownBy(() -> CheckpointInfo.of(count))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage(
                        "Invalid checkpoint: corrupt: 2147483647 parameters with 2 slots each; model spec"
                                + " 12-32-16 has 16 parameters");
        assertThatThrownBy(() -> ModelWeights.fromCheckpoint(shape, null))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(
                        "parameter 0 declares shape [1099511627776], more values than");
        assertThatThrownBy(() -> VicregTrainer.restore(spec, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("model spec 12-1000000-16 has ")
                .hasMessageContaining("parameter values, more than a record of");
    }

    @Test
    void shouldContinueAConvolutionalEncoderBitIdenticallyAfterARestore() {
        ModelSpec conv = new ModelSpec(36, 16, 8, EncoderKind.CONV);
        try (VicregTrainer uninterrupted =
                        VicregTrainer.create(TrainerConfig.defaults(conv), DeviceChoice.CPU);
                VicregTrainer interrupted =
                        VicregTrainer.create(TrainerConfig.defaults(conv), DeviceChoice.CPU)) {
            for (int i = 0; i < 4; i++) {
                float[][][] batch = TestData.structuredPairs(200 + i, 16, 36);
                uninterrupted.step(batch[0], batch[1]);
                if (i < 2) {
                    interrupted.step(batch[0], batch[1]);
                }
            }
            byte[] midway = interrupted.checkpoint();
            assertThat(CheckpointInfo.of(midway).config().spec()).isEqualTo(conv);

            try (VicregTrainer resumed = VicregTrainer.restore(midway, conv, DeviceChoice.CPU)) {
                for (int i = 2; i < 4; i++) {
                    float[][][] batch = TestData.structuredPairs(200 + i, 16, 36);
                    resumed.step(batch[0], batch[1]);
                }
                assertThat(resumed.checkpoint()).isEqualTo(uninterrupted.checkpoint());
            }
            ModelSpec mlp = new ModelSpec(36, 16, 8);
            assertThatThrownBy(() -> VicregTrainer.restore(midway, mlp, DeviceChoice.CPU))
                    .isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("it is for model spec conv:36-16-8");
        }
    }

    @Test
    void shouldReadAVersion1CheckpointAsAnMlpEncoder() {
        byte[] current = freshCheckpoint();
        // Version 1 is version 2 without the encoder byte (after magic, version, length, 3 ints).
        int encoderByte = 8 + 1 + 4 + 3 * 4;
        assertThat(current[encoderByte]).as("MLP's encoder code").isEqualTo((byte) 0);
        byte[] version1 = new byte[current.length - 1];
        System.arraycopy(current, 0, version1, 0, encoderByte);
        System.arraycopy(
                current, encoderByte + 1, version1, encoderByte, current.length - encoderByte - 1);
        version1[8] = 1;
        ByteBuffer.wrap(version1).order(ByteOrder.LITTLE_ENDIAN).putInt(9, version1.length);
        reseal(version1);

        try (VicregTrainer original = VicregTrainer.restore(current, null, DeviceChoice.AUTO);
                VicregTrainer restored = VicregTrainer.restore(version1, SPEC, DeviceChoice.CPU)) {
            assertThat(CheckpointInfo.of(version1).formatVersion()).isEqualTo(1);
            assertThat(restored.config()).isEqualTo(original.config());
            assertThat(restored.checkpoint()).isEqualTo(current);
        }
    }

    @Test
    void shouldRefuseAnUnknownEncoderCode() {
        byte[] forged = freshCheckpoint();
        forged[8 + 1 + 4 + 3 * 4] = 7;
        reseal(forged);

        assertThatThrownBy(() -> VicregTrainer.restore(forged, null, DeviceChoice.AUTO))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessage("Invalid checkpoint: corrupt: encoder code 7");
    }

    private static byte[] freshCheckpoint() {
        try (VicregTrainer trainer = trainer(OptimizerConfig.Kind.ADAM)) {
            train(trainer, 0, 1);
            return trainer.checkpoint();
        }
    }

    private static void reseal(byte[] bytes) {
        ForgedCheckpoints.reseal(bytes);
    }
}
