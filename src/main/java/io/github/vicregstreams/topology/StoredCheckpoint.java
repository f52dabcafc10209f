package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The trainer's checkpoint in its changelogged store, in chunks of {@link
 * CheckpointChunks#CHUNK_BYTES}: every changelog record then fits Kafka's default message size,
 * whatever the model's size. Key {@value #KEY} holds a small manifest (chunk count and length);
 * {@code checkpoint/0 …} the chunks. All are written in the task's transaction, so a restored store
 * holds a whole checkpoint or the previous one. A value under {@value #KEY} that is not a manifest
 * is a whole checkpoint, as stored before chunks existed.
 */
final class StoredCheckpoint {

    /** The manifest's key. */
    static final String KEY = "checkpoint";

    private static final byte[] MANIFEST_MAGIC = "VICRGMAN".getBytes(StandardCharsets.US_ASCII);

    private StoredCheckpoint() {}

    /** Stores a checkpoint, replacing the one before and deleting its extra chunks. */
    static void put(KeyValueStore<String, byte[]> state, byte[] checkpoint) {
        int previous = chunkCount(state.get(KEY));
        int count = CheckpointChunks.chunkCount(checkpoint.length);
        for (int i = 0; i < count; i++) {
            state.put(chunkKey(i), CheckpointChunks.chunk(checkpoint, i));
        }
        for (int i = count; i < previous; i++) {
            state.delete(chunkKey(i));
        }
        state.put(
                KEY,
                ByteBuffer.allocate(MANIFEST_MAGIC.length + 2 * Integer.BYTES)
                        .put(MANIFEST_MAGIC)
                        .putInt(count)
                        .putInt(checkpoint.length)
                        .array());
    }

    /**
     * The stored checkpoint, or null when there is none.
     *
     * @throws IllegalStateException if a chunk is missing (the store is not a transaction's)
     */
    static byte[] get(KeyValueStore<String, byte[]> state) {
        byte[] manifest = state.get(KEY);
        if (manifest == null || !isManifest(manifest)) {
            return manifest;
        }
        ByteBuffer in = ByteBuffer.wrap(manifest, MANIFEST_MAGIC.length, 2 * Integer.BYTES);
        int count = in.getInt();
        byte[] checkpoint = new byte[in.getInt()];
        int at = 0;
        for (int i = 0; i < count; i++) {
            byte[] chunk = state.get(chunkKey(i));
            if (chunk == null || at + chunk.length > checkpoint.length) {
                throw new IllegalStateException(
                        "The trainer-state store holds a checkpoint manifest of "
                                + count
                                + " chunks whose chunk "
                                + i
                                + " is missing or too long");
            }
            System.arraycopy(chunk, 0, checkpoint, at, chunk.length);
            at += chunk.length;
        }
        return checkpoint;
    }

    private static int chunkCount(byte[] manifest) {
        return manifest != null && isManifest(manifest)
                ? ByteBuffer.wrap(manifest, MANIFEST_MAGIC.length, Integer.BYTES).getInt()
                : 0;
    }

    private static boolean isManifest(byte[] value) {
        return value.length == MANIFEST_MAGIC.length + 2 * Integer.BYTES
                && Arrays.equals(
                        value, 0, MANIFEST_MAGIC.length, MANIFEST_MAGIC, 0, MANIFEST_MAGIC.length);
    }

    private static String chunkKey(int index) {
        return KEY + "/" + index;
    }
}
