package io.github.vicregstreams.vicreg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny, strict safetensors reader for tests, independent of the writer: it parses the header with
 * its own small JSON parser and checks what readers check (the header fits, the data offsets cover
 * the data without gaps or overlaps, F32 only).
 */
public final class SafetensorsReader {

    /** One tensor read back. */
    public record Tensor(long[] shape, float[] values, long begin, long end) {}

    /** The file read back: its header length, tensors in header order, and metadata. */
    public record File(
            long headerLength, Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private final String json;
    private int at;

    private SafetensorsReader(String json) {
        this.json = json;
    }

    /** Reads a whole file, or throws {@link IllegalArgumentException} saying what is wrong. */
    @SuppressWarnings("unchecked")
    public static File read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong();
        if (n < 2 || 8 + n > bytes.length) {
            throw new IllegalArgumentException("header length " + n + " does not fit");
        }
        String text = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        SafetensorsReader parser = new SafetensorsReader(text);
        Map<String, Object> header = (Map<String, Object>) parser.value();
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw new IllegalArgumentException("bytes after the header's JSON: " + parser.at);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Object meta = header.remove("__metadata__");
        if (meta != null) {
            ((Map<String, Object>) meta).forEach((k, v) -> metadata.put(k, (String) v));
        }
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long expectedBegin = 0;
        for (Map.Entry<String, Object> entry : header.entrySet()) {
            Map<String, Object> info = (Map<String, Object>) entry.getValue();
            if (!"F32".equals(info.get("dtype"))) {
                throw new IllegalArgumentException("dtype " + info.get("dtype"));
            }
            List<Object> dims = (List<Object>) info.get("shape");
            long[] shape = dims.stream().mapToLong(d -> ((Number) d).longValue()).toArray();
            List<Object> offsets = (List<Object>) info.get("data_offsets");
            long begin = ((Number) offsets.get(0)).longValue();
            long end = ((Number) offsets.get(1)).longValue();
            long elements = 1;
            for (long d : shape) {
                elements *= d;
            }
            // The writer's order is the data's order: each tensor starts where the last ended.
            if (begin != expectedBegin || end - begin != elements * 4 || end > dataLength) {
                throw new IllegalArgumentException(
                        "tensor " + entry.getKey() + " has offsets " + begin + ", " + end);
            }
            expectedBegin = end;
            float[] values = new float[(int) elements];
            ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) (end - begin))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(values);
            tensors.put(entry.getKey(), new Tensor(shape, values, begin, end));
        }
        if (expectedBegin != dataLength) {
            throw new IllegalArgumentException(
                    "the tensors cover " + expectedBegin + " of " + dataLength + " data bytes");
        }
        return new File(n, tensors, metadata);
    }

    /** Parses JSON text: objects (insertion-ordered maps), arrays, strings, numbers. */
    public static Object parseJson(String text) {
        SafetensorsReader parser = new SafetensorsReader(text);
        Object value = parser.value();
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw new IllegalArgumentException("trailing text at " + parser.at);
        }
        return value;
    }

    private Object value() {
        skipSpace();
        char c = json.charAt(at);
        if (c == '{') {
            at++;
            Map<String, Object> object = new LinkedHashMap<>();
            skipSpace();
            if (json.charAt(at) == '}') {
                at++;
                return object;
            }
            do {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                if (object.put(key, value()) != null) {
                    throw new IllegalArgumentException("duplicate key " + key);
                }
                skipSpace();
            } while (json.charAt(at++) == ',');
            requirePrevious('}');
            return object;
        }
        if (c == '[') {
            at++;
            List<Object> array = new ArrayList<>();
            skipSpace();
            if (json.charAt(at) == ']') {
                at++;
                return array;
            }
            do {
                array.add(value());
                skipSpace();
            } while (json.charAt(at++) == ',');
            requirePrevious(']');
            return array;
        }
        if (c == '"') {
            return string();
        }
        int start = at;
        while (at < json.length() && "+-0123456789.eE".indexOf(json.charAt(at)) >= 0) {
            at++;
        }
        String number = json.substring(start, at);
        if (number.isEmpty()) {
            throw new IllegalArgumentException("unexpected " + c + " at " + start);
        }
        return number.matches("-?\\d+") ? (Object) Long.parseLong(number) : Double.valueOf(number);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = json.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("raw control character in a string at " + at);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = json.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(json.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
        }
    }

    private void expect(char c) {
        if (json.charAt(at) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + at);
        }
        at++;
    }

    private void requirePrevious(char c) {
        if (json.charAt(at - 1) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + (at - 1));
        }
    }

    private void skipSpace() {
        while (at < json.length() && " \t\n\r".indexOf(json.charAt(at)) >= 0) {
            at++;
        }
    }
}
