package io.github.vicregstreams.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where the backfill stands, saved in the changelogged {@code backfill-state} store in the same
 * transaction as the embeddings it published: a restart resumes after {@code lastKey}, with no item
 * repeated or skipped.
 *
 * @param running the version being backfilled, 0 for none
 * @param done the last version whose backfill completed (the served one), 0 for none
 * @param lastKey the last item key embedded with {@code running}, in the store's key order; null
 *     before the first
 * @param embedded items embedded with {@code running} so far
 * @param items distinct items in the items store
 * @param step the training step of {@code running}'s checkpoint
 * @param checkpointId the id of {@code running}'s checkpoint
 */
record BackfillState(
        long running,
        long done,
        String lastKey,
        long embedded,
        long items,
        long step,
        String checkpointId) {

    static final BackfillState EMPTY = new BackfillState(0, 0, null, 0, 0, 0, "");

    /** The store key it is saved under. */
    static final String KEY = "backfill";

    private static final byte FORMAT = 1;

    /** The version items are embedded with now: the running backfill's, else the served one. */
    long current() {
        return running > 0 ? running : done;
    }

    BackfillState withItems(long count) {
        return new BackfillState(running, done, lastKey, embedded, count, step, checkpointId);
    }

    BackfillState started(long version, long versionStep, String id) {
        return new BackfillState(version, done, null, 0, items, versionStep, id);
    }

    BackfillState advanced(String key, int count) {
        return new BackfillState(running, done, key, embedded + count, items, step, checkpointId);
    }

    /**
     * The state without the running version (its backfill dropped: back to serving {@code done})
     * and/or without the done one (none served: the next version backfills every item).
     */
    BackfillState forgetting(boolean runningVersion, boolean doneVersion) {
        BackfillState kept =
                runningVersion ? new BackfillState(0, done, null, 0, items, 0, "") : this;
        return doneVersion
                ? new BackfillState(
                        kept.running,
                        0,
                        kept.lastKey,
                        kept.embedded,
                        items,
                        kept.step,
                        kept.checkpointId)
                : kept;
    }

    BackfillState completed() {
        return new BackfillState(0, running, null, 0, items, 0, "");
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(running);
            out.writeLong(done);
            out.writeBoolean(lastKey != null);
            if (lastKey != null) {
                out.writeUTF(lastKey);
            }
            out.writeLong(embedded);
            out.writeLong(items);
            out.writeLong(step);
            out.writeUTF(checkpointId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a saved state; null bytes are {@link #EMPTY}. */
    static BackfillState decode(byte[] bytes) {
        if (bytes == null) {
            return EMPTY;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException(
                        "Unknown backfill state format: this version reads "
                                + FORMAT
                                + ". Got: "
                                + format);
            }
            long running = in.readLong();
            long done = in.readLong();
            String lastKey = in.readBoolean() ? in.readUTF() : null;
            long embedded = in.readLong();
            long items = in.readLong();
            long step = in.readLong();
            String checkpointId = in.readUTF();
            return new BackfillState(running, done, lastKey, embedded, items, step, checkpointId);
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt backfill state", e);
        }
    }
}
