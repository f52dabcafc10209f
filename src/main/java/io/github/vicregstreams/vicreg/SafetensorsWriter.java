package io.github.vicregstreams.vicreg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes float32 tensors in the safetensors format (Hugging Face), by hand: this package stays free
 * of JSON libraries, and the header is a flat object.
 *
 * <pre>
 * header length N (8 bytes, unsigned little-endian)
 * N bytes of UTF-8 JSON: {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
 *                         ..., "__metadata__": {string: string}}, padded with spaces so that the
 *                         data starts at a multiple of 8
 * the data: each tensor's values, little-endian, row-major, in the order given, back to back
 * </pre>
 *
 * <p>Offsets are relative to the start of the data; the tensors cover it without gaps, as readers
 * check. Names and metadata are escaped as JSON strings; a name that is empty, repeated, the
 * reserved {@value #METADATA_KEY}, or holds a control character is refused, as is any text with an
 * unpaired surrogate (it has no UTF-8 form).
 */
final class SafetensorsWriter {

    /** The header's reserved key for the string-to-string metadata. */
    static final String METADATA_KEY = "__metadata__";

    /** The data starts at a multiple of this many bytes (the header is padded with spaces). */
    static final int ALIGNMENT = 8;

    private SafetensorsWriter() {}

    /**
     * One float32 tensor.
     *
     * @param name its name in the header
     * @param shape its dimensions, each at least 0; empty for a scalar
     * @param values its values in row-major order, as many as the shape holds
     */
    record Tensor(String name, long[] shape, float[] values) {}

    /**
     * The bytes of a safetensors file.
     *
     * @param tensors the tensors, written in this order
     * @param metadata the header's {@value #METADATA_KEY}, in its iteration order; may be empty
     * @return the file's bytes
     * @throws IllegalArgumentException for a bad name, a shape that does not fit its values, text
     *     with an unpaired surrogate, or a file over 2 GiB
     */
    static byte[] write(List<Tensor> tensors, Map<String, String> metadata) {
        StringBuilder header = new StringBuilder("{");
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Tensor tensor : tensors) {
            requireName(tensor.name(), names);
            long elements = elements(tensor);
            long end = offset + elements * Float.BYTES;
            quote(header, tensor.name()).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int d = 0; d < tensor.shape().length; d++) {
                header.append(d == 0 ? "" : ",").append(tensor.shape()[d]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(end);
            header.append("]},");
            offset = end;
        }
        quote(header, METADATA_KEY).append(":{");
        boolean first = true;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            header.append(first ? "" : ",");
            quote(header, entry.getKey()).append(':');
            quote(header, entry.getValue());
            first = false;
        }
        header.append("}}");
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        long total = Long.BYTES + (long) padded + offset;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "A safetensors file written here holds at most 2 GiB. Got: "
                            + total
                            + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor tensor : tensors) {
            out.asFloatBuffer().put(tensor.values());
            out.position(out.position() + tensor.values().length * Float.BYTES);
        }
        return out.array();
    }

    private static void requireName(String name, Set<String> seen) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A tensor name must not be empty. Got: " + name);
        }
        if (name.equals(METADATA_KEY)) {
            throw new IllegalArgumentException(
                    "A tensor may not be named " + METADATA_KEY + ", the header's metadata key");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException(
                        "A tensor name may not hold control characters. Got: "
                                + name.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        if (!seen.add(name)) {
            throw new IllegalArgumentException("Two tensors are named " + name);
        }
    }

    private static long elements(Tensor tensor) {
        long elements = 1;
        for (long dim : tensor.shape()) {
            if (dim < 0) {
                throw new IllegalArgumentException(
                        "Tensor " + tensor.name() + " has a negative dimension. Got: " + dim);
            }
            elements = Math.multiplyExact(elements, dim);
        }
        if (elements != tensor.values().length) {
            throw new IllegalArgumentException(
                    "Tensor "
                            + tensor.name()
                            + " has "
                            + tensor.values().length
                            + " values, but its shape holds "
                            + elements);
        }
        return elements;
    }

    /** Appends text as a JSON string: quotes, backslashes and control characters escaped. */
    private static StringBuilder quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                // String.getBytes would write '?' for it: the text would change silently.
                throw new IllegalArgumentException(
                        "Text in a safetensors header must be valid Unicode; it holds an unpaired"
                                + " surrogate at index "
                                + i);
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
