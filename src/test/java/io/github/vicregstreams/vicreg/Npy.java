package io.github.vicregstreams.vicreg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy's {@code .npy} format (version 1.0) for float32 matrices, for tests that talk to NumPy. */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final Pattern HEADER =
            Pattern.compile(
                    "\\{'descr': '<f4', 'fortran_order': False, 'shape': \\((\\d+), (\\d+)\\), \\}");

    private Npy() {}

    /** Writes {@code [rows][cols]} as a little-endian float32 array. */
    static void write(Path file, float[][] m) throws IOException {
        String dict =
                "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                        + m.length
                        + ", "
                        + m[0].length
                        + "), }";
        // Magic, 2 bytes of header length, then the header padded with spaces and a newline to a
        // multiple of 64 bytes, as NumPy writes it.
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int headerLength = (unpadded + 63) / 64 * 64 - MAGIC.length - 2;
        String header = dict + " ".repeat(headerLength - dict.length() - 1) + "\n";
        ByteBuffer out =
                ByteBuffer.allocate(MAGIC.length + 2 + headerLength + m.length * m[0].length * 4)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC)
                .putShort((short) headerLength)
                .put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] row : m) {
            for (float v : row) {
                out.putFloat(v);
            }
        }
        Files.write(file, out.array());
    }

    /** Reads a 2-D little-endian float32 array that NumPy saved. */
    static float[][] read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(MAGIC.length);
        int headerLength = Short.toUnsignedInt(in.getShort());
        String header =
                new String(bytes, MAGIC.length + 2, headerLength, StandardCharsets.US_ASCII);
        Matcher matcher = HEADER.matcher(header.trim());
        if (bytes[MAGIC.length - 2] != 1 || !matcher.matches()) {
            throw new IOException("not a 2-D float32 .npy file of version 1.0: " + header);
        }
        int rows = Integer.parseInt(matcher.group(1));
        int cols = Integer.parseInt(matcher.group(2));
        in.position(MAGIC.length + 2 + headerLength);
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = in.getFloat();
            }
        }
        return m;
    }
}
