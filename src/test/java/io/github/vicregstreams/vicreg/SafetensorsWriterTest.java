package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsWriterTest {

    private static SafetensorsWriter.Tensor tensor(String name, long[] shape, float... values) {
        return new SafetensorsWriter.Tensor(name, shape, values);
    }

    @Test
    void shouldWriteTheHeaderLengthThenTheSpacePaddedJsonThenTheLittleEndianData() {
        // Given: a 2×2 matrix and a vector of 3, and one metadata entry
        List<SafetensorsWriter.Tensor> tensors =
                List.of(
                        tensor("a", new long[] {2, 2}, 1f, 2f, 3f, 4f),
                        tensor("b", new long[] {3}, -1f, 0.5f, 7f));

        byte[] file = SafetensorsWriter.write(tensors, Map.of("k", "v"));

        String json =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},"
                        + "\"__metadata__\":{\"k\":\"v\"}}";
        int padded = (json.length() + 7) / 8 * 8; // 144 bytes of JSON: 6 spaces of padding
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(in.getLong()).isEqualTo(padded);
        assertThat(padded % 8).isZero();
        assertThat(new String(file, 8, padded, StandardCharsets.UTF_8))
                .isEqualTo(json + " ".repeat(padded - json.length()));
        assertThat(file).hasSize(8 + padded + 28);
        in.position(8 + padded);
        float[] data = new float[7];
        in.asFloatBuffer().get(data);
        assertThat(data).containsExactly(1f, 2f, 3f, 4f, -1f, 0.5f, 7f);
    }

    @Test
    void shouldRoundTripTensorsAndEscapedMetadataThroughAnIndependentReader() {
        // Given: names and metadata with quotes, backslashes, control characters and non-ASCII
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("quote\"d", "back\\slash");
        metadata.put("lines", "one\ntwo\tthree\u0001");
        metadata.put("unicode", "ε = 1e-5, 28×28, \uD83D\uDE00");
        metadata.put("json", "[{\"op\":\"relu\"}]");
        metadata.put("empty", "");
        List<SafetensorsWriter.Tensor> tensors =
                List.of(
                        tensor("encoder.0.weight", new long[] {2, 3}, 1, 2, 3, 4, 5, 6),
                        tensor("naïve \"name\"", new long[] {1}, Float.MIN_VALUE),
                        tensor("scalar", new long[] {}, 42f),
                        tensor("empty", new long[] {0, 4}));

        SafetensorsReader.File file =
                SafetensorsReader.read(SafetensorsWriter.write(tensors, metadata));

        assertThat(file.metadata()).containsExactlyEntriesOf(metadata);
        assertThat(file.tensors().keySet())
                .containsExactly("encoder.0.weight", "naïve \"name\"", "scalar", "empty");
        assertThat(file.tensors().get("encoder.0.weight").shape()).containsExactly(2, 3);
        assertThat(file.tensors().get("encoder.0.weight").values())
                .containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(file.tensors().get("naïve \"name\"").values()).containsExactly(Float.MIN_VALUE);
        assertThat(file.tensors().get("scalar").shape()).isEmpty();
        assertThat(file.tensors().get("scalar").values()).containsExactly(42f);
        assertThat(file.tensors().get("empty").values()).isEmpty();
        assertThat(file.headerLength() % SafetensorsWriter.ALIGNMENT).isZero();
    }

    @Test
    void shouldPadTheHeaderToAMultipleOf8WhateverItsLength() {
        for (int length = 1; length <= 16; length++) {
            byte[] file =
                    SafetensorsWriter.write(
                            List.of(tensor("x".repeat(length), new long[] {1}, 3f)), Map.of());
            long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(n % 8).as("name length %d", length).isZero();
            assertThat(file).hasSize((int) (8 + n + 4));
            assertThat(SafetensorsReader.read(file).tensors().get("x".repeat(length)).values())
                    .containsExactly(3f);
        }
    }

    @Test
    void shouldRefuseAnEmptyReservedRepeatedOrControlCharacterName() {
        long[] one = {1};
        assertThatThrownBy(() -> SafetensorsWriter.write(List.of(tensor("", one, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A tensor name must not be empty. Got: ");
        assertThatThrownBy(
                        () ->
                                SafetensorsWriter.write(
                                        List.of(tensor("__metadata__", one, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A tensor may not be named __metadata__, the header's metadata key");
        assertThatThrownBy(
                        () ->
                                SafetensorsWriter.write(
                                        List.of(tensor("w", one, 1), tensor("w", one, 2)),
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Two tensors are named w");
        assertThatThrownBy(() -> SafetensorsWriter.write(List.of(tensor("a\nb", one, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A tensor name may not hold control characters. Got: a?b");
    }

    @Test
    void shouldRefuseTextWithAnUnpairedSurrogateRatherThanWriteAQuestionMark() {
        assertThatThrownBy(
                        () ->
                                SafetensorsWriter.write(
                                        List.of(), Map.of("key", "broken \uD83D here")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Text in a safetensors header must be valid Unicode; it holds an unpaired"
                                + " surrogate at index 7");
    }

    @Test
    void shouldRefuseAShapeThatDoesNotHoldItsValues() {
        assertThatThrownBy(
                        () ->
                                SafetensorsWriter.write(
                                        List.of(tensor("w", new long[] {2, 2}, 1, 2, 3)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor w has 3 values, but its shape holds 4");
        assertThatThrownBy(
                        () ->
                                SafetensorsWriter.write(
                                        List.of(tensor("w", new long[] {-1}, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor w has a negative dimension. Got: -1");
    }
}
