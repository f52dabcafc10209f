package io.github.vicregstreams.vicreg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Checkpoints forged the way an attacker who can write the model topic would: a field changed and
 * the CRC32C recomputed, so that only the checks after the checksum can refuse them.
 */
public final class ForgedCheckpoints {

    /**
     * Where the parameter count sits: magic, version, length, 3 dims, encoder, 4 loss floats,
     * estimator, optimizer kind, 7 optimizer floats, seed, step and updates.
     */
    public static final int PARAMETER_COUNT_OFFSET = 8 + 1 + 4 + 12 + 1 + 16 + 1 + 1 + 28 + 24;

    private ForgedCheckpoints() {}

    /** The checkpoint declaring {@code count} parameters, with a valid checksum. */
    public static byte[] withParameterCount(byte[] checkpoint, int count) {
        byte[] forged = checkpoint.clone();
        ByteBuffer.wrap(forged)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(PARAMETER_COUNT_OFFSET, count);
        reseal(forged);
        return forged;
    }

    /** Recomputes the trailing CRC32C over everything before it. */
    public static void reseal(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - Integer.BYTES);
        ByteBuffer.wrap(bytes)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(bytes.length - Integer.BYTES, (int) crc.getValue());
    }
}
