package io.github.vicregstreams.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the reader tests. */
final class IdxFiles {

    private IdxFiles() {}

    /** The bytes of an IDX file: magic (0, 0, type, rank), big-endian dims, then the values. */
    static byte[] idx(int type, int[] dims, byte[] values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
            for (int dim : dims) {
                out.writeInt(dim);
            }
            out.write(values);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Images of {@code count} x {@code height} x {@code width}; pixel k of the file is k mod 256.
     */
    static byte[] images(int count, int height, int width) {
        byte[] values = new byte[count * height * width];
        for (int k = 0; k < values.length; k++) {
            values[k] = (byte) k;
        }
        return idx(IdxReader.UNSIGNED_BYTE, new int[] {count, height, width}, values);
    }

    static byte[] labels(int... labels) {
        byte[] values = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            values[i] = (byte) labels[i];
        }
        return idx(IdxReader.UNSIGNED_BYTE, new int[] {labels.length}, values);
    }

    static Path write(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        return file;
    }

    static Path writeGzipped(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }
}
