package io.github.vicregstreams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Little-endian reading and writing of the small binary records this package keeps in state stores
 * and on the pairs topic. Each record starts with a version byte, so that a later release can read
 * what this one wrote.
 */
final class RecordCodec {

    private RecordCodec() {}

    static int stringSize(String s) {
        return Integer.BYTES + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
    }

    static int bytesSize(byte[] b) {
        return Integer.BYTES + (b == null ? 0 : b.length);
    }

    static int floatsSize(float[] f) {
        return Integer.BYTES + f.length * Float.BYTES;
    }

    static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer wrap(byte[] bytes, String what, byte expectedVersion) {
        if (bytes == null || bytes.length < 1) {
            throw new SerializationException("Empty " + what + " record");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte version = in.get();
        if (version != expectedVersion) {
            throw new SerializationException(
                    "Unknown "
                            + what
                            + " record version "
                            + version
                            + "; this build reads "
                            + expectedVersion);
        }
        return in;
    }

    /** Writes null as length -1. */
    static void putString(ByteBuffer out, String s) {
        putBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    static void putBytes(ByteBuffer out, byte[] b) {
        if (b == null) {
            out.putInt(-1);
        } else {
            out.putInt(b.length).put(b);
        }
    }

    static void putFloats(ByteBuffer out, float[] f) {
        out.putInt(f.length);
        out.asFloatBuffer().put(f);
        out.position(out.position() + f.length * Float.BYTES);
    }

    static String getString(ByteBuffer in) {
        byte[] b = getBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static byte[] getBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    static float[] getFloats(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || (long) length * Float.BYTES > in.remaining()) {
            throw new BufferUnderflowException();
        }
        float[] f = new float[length];
        in.asFloatBuffer().get(f);
        in.position(in.position() + length * Float.BYTES);
        return f;
    }
}
