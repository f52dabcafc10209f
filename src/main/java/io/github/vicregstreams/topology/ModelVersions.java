package io.github.vicregstreams.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the global store knows of the model's versions: the latest promoted version and the served
 * one. Kept under {@link VersionedModelKeys#summary} by the global processor, from the model topic.
 *
 * @param latest the latest promoted version, 0 for none
 * @param latestStep the training step of its checkpoint
 * @param latestCheckpointId its checkpoint's id
 * @param latestPublishedMs the wall-clock time it was published at (the record's timestamp)
 * @param serving the version whose backfill is complete, 0 for none
 */
record ModelVersions(
        long latest,
        long latestStep,
        String latestCheckpointId,
        long latestPublishedMs,
        long serving) {

    static final ModelVersions NONE = new ModelVersions(0, 0, "", 0, 0);

    private static final byte FORMAT = 1;

    /** Whether a promoted version still waits for its backfill to complete. */
    boolean backfilling() {
        return latest > serving;
    }

    ModelVersions withLatest(long version, long step, String checkpointId, long publishedMs) {
        return new ModelVersions(version, step, checkpointId, publishedMs, serving);
    }

    ModelVersions withServing(long version) {
        return new ModelVersions(
                latest, latestStep, latestCheckpointId, latestPublishedMs, version);
    }

    byte[] encode() {
        byte[] id = latestCheckpointId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 * Long.BYTES + Integer.BYTES + id.length)
                .put(FORMAT)
                .putLong(latest)
                .putLong(latestStep)
                .putLong(latestPublishedMs)
                .putLong(serving)
                .putInt(id.length)
                .put(id)
                .array();
    }

    /** Decodes a summary; null bytes are {@link #NONE}. */
    static ModelVersions decode(byte[] bytes) {
        if (bytes == null) {
            return NONE;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalStateException(
                    "Unknown model versions summary format: this version reads "
                            + FORMAT
                            + ". Got: "
                            + format);
        }
        long latest = in.getLong();
        long step = in.getLong();
        long published = in.getLong();
        long serving = in.getLong();
        byte[] id = new byte[in.getInt()];
        in.get(id);
        return new ModelVersions(
                latest, step, new String(id, StandardCharsets.UTF_8), published, serving);
    }
}
