package io.github.vicregstreams.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How a checkpoint of any size travels on the model topic within Kafka's default message limit: as
 * chunks of at most {@link #CHUNK_BYTES}, then a manifest that names them.
 *
 * <p>Chunk {@code i} of model {@code m} has key {@code m/chunk-i} (so that compaction keeps the
 * newest of each) and headers {@value #ID} and {@value #INDEX}. The manifest has key {@code m}, the
 * value {@code VICRGMAN}, and headers {@value #ID}, {@value #COUNT}, {@value #BYTES} plus those of
 * the checkpoint ({@link CheckpointHeaders}, a signature). The trainer writes the chunks and the
 * manifest in one transaction, so a {@code read_committed} reader sees all of them or none, and an
 * {@link Assembler} yields a checkpoint only when its manifest finds every chunk of its id: a
 * half-written checkpoint is never loaded. A record with key {@code m} and no {@value #COUNT}
 * header is a whole checkpoint, as written before chunks existed.
 */
public final class CheckpointChunks {

    /**
     * The largest chunk: with its key, headers and the batch around it, under the broker's default
     * {@code message.max.bytes} (1 MiB) and the producer's default {@code max.request.size}.
     */
    public static final int CHUNK_BYTES = 768 * 1024;

    /** The most chunks a manifest may name (a checkpoint of 3 GiB): bounds a forged manifest. */
    public static final int MAX_CHUNKS = 4096;

    /** Header: the checkpoint a chunk or manifest belongs to. */
    public static final String ID = "vicreg.checkpoint.id";

    /** Header of a chunk: its index, from 0. */
    public static final String INDEX = "vicreg.chunk";

    /** Header of a manifest: how many chunks. */
    public static final String COUNT = "vicreg.chunks";

    /** Header of a manifest: the checkpoint's length in bytes. */
    public static final String BYTES = "vicreg.checkpoint.bytes";

    private static final byte[] MANIFEST_VALUE = "VICRGMAN".getBytes(StandardCharsets.US_ASCII);

    private static final String CHUNK_KEY_INFIX = "/chunk-";

    private CheckpointChunks() {}

    /** One record to write: key, value and headers. */
    public record Part(String key, byte[] value, Headers headers) {}

    /**
     * Splits a checkpoint into its chunk records and the manifest, in the order to write them.
     *
     * @param modelName the model's name, the manifest's key
     * @param checkpoint the whole checkpoint (its last 4 bytes are its checksum)
     * @param checkpointHeaders headers for the manifest (step, spec, signature of the whole)
     * @return the chunks, then the manifest
     */
    public static List<Part> split(String modelName, byte[] checkpoint, Headers checkpointHeaders) {
        Objects.requireNonNull(modelName, "modelName must not be null");
        Objects.requireNonNull(checkpoint, "checkpoint must not be null");
        int count = chunkCount(checkpoint.length);
        if (count > MAX_CHUNKS) {
            throw new IllegalArgumentException(
                    "A checkpoint may take at most "
                            + MAX_CHUNKS
                            + " chunks of "
                            + CHUNK_BYTES
                            + " bytes. Got: "
                            + checkpoint.length
                            + " bytes");
        }
        byte[] id = idOf(checkpoint);
        List<Part> parts = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            Headers headers = new RecordHeaders();
            headers.add(ID, id);
            headers.add(INDEX, ascii(i));
            byte[] chunk = chunk(checkpoint, i);
            parts.add(new Part(chunkKey(modelName, i), chunk, headers));
        }
        Headers manifest = new RecordHeaders();
        for (Header header : checkpointHeaders) {
            manifest.add(header);
        }
        manifest.add(ID, id);
        manifest.add(COUNT, ascii(count));
        manifest.add(BYTES, ascii(checkpoint.length));
        parts.add(new Part(modelName, MANIFEST_VALUE.clone(), manifest));
        return parts;
    }

    /**
     * The keys of every record {@link #split} writes for a checkpoint of {@code length} bytes: its
     * chunks, then its manifest. Tombstones under these keys remove the checkpoint from a compacted
     * topic.
     *
     * @param modelName the model's name, the manifest's key
     * @param length the checkpoint's length in bytes
     * @return the keys, in the order {@link #split} writes them
     */
    public static List<String> partKeys(String modelName, int length) {
        int count = chunkCount(length);
        List<String> keys = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            keys.add(chunkKey(modelName, i));
        }
        keys.add(modelName);
        return keys;
    }

    /**
     * How many chunks a checkpoint of {@code length} bytes takes (at least one).
     *
     * @param length the checkpoint's length in bytes
     * @return the chunk count
     */
    public static int chunkCount(int length) {
        return Math.max(1, (length + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    /**
     * Chunk {@code index} of a checkpoint: a copy of its bytes from {@code index * CHUNK_BYTES}.
     *
     * @param checkpoint the whole checkpoint
     * @param index the chunk's index, below {@link #chunkCount}
     * @return the chunk's bytes
     */
    public static byte[] chunk(byte[] checkpoint, int index) {
        int from = index * CHUNK_BYTES;
        return Arrays.copyOfRange(
                checkpoint, from, Math.min(checkpoint.length, from + CHUNK_BYTES));
    }

    /**
     * Whether a model-topic key belongs to this model: its manifest (or whole checkpoint) or a
     * chunk.
     *
     * @param modelName the model's name
     * @param key a record key, may be null
     * @return true for {@code modelName} and {@code modelName/chunk-N}
     */
    public static boolean belongsTo(String modelName, String key) {
        return key != null
                && (key.equals(modelName)
                        || (key.startsWith(modelName + CHUNK_KEY_INFIX)
                                && key.length() > modelName.length() + CHUNK_KEY_INFIX.length()));
    }

    /**
     * The model a model-topic key belongs to: the key itself, or the part before {@code /chunk-N}.
     *
     * @param key a record key
     * @return the model's name
     */
    public static String modelOf(String key) {
        int at = key.lastIndexOf(CHUNK_KEY_INFIX);
        return at > 0 && belongsTo(key.substring(0, at), key) ? key.substring(0, at) : key;
    }

    static String chunkKey(String modelName, int index) {
        return modelName + CHUNK_KEY_INFIX + index;
    }

    /** Deterministic, so that a checkpoint published again after a crash has the same id. */
    private static byte[] idOf(byte[] checkpoint) {
        int tail = Math.min(Integer.BYTES, checkpoint.length);
        String crc =
                HexFormat.of().formatHex(checkpoint, checkpoint.length - tail, checkpoint.length);
        return ascii(checkpoint.length + "-" + crc);
    }

    private static byte[] ascii(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Rebuilds checkpoints from the model topic's records of one model, read in order. Keeps the
     * newest chunk of each index, as compaction does, until a manifest uses them: its memory is
     * bounded by the largest checkpoint and {@link #MAX_CHUNKS}. Not thread-safe.
     */
    public static final class Assembler {

        private record Chunk(String id, byte[] bytes) {}

        private final String modelName;
        private final Map<Integer, Chunk> chunks = new HashMap<>();

        /**
         * Creates an assembler for one model.
         *
         * @param modelName the model's name
         */
        public Assembler(String modelName) {
            this.modelName = Objects.requireNonNull(modelName, "modelName must not be null");
        }

        /** What a record gave. */
        public sealed interface Outcome {}

        /** A chunk, kept until its manifest comes. */
        public record Stored() implements Outcome {}

        /**
         * A whole checkpoint: assembled from a manifest and its chunks, or a record written whole.
         *
         * @param checkpoint the checkpoint's bytes
         * @param headers the manifest's (or whole record's) headers: step, spec, signature
         */
        public record Complete(byte[] checkpoint, Headers headers) implements Outcome {}

        /**
         * A record that yields no checkpoint: a manifest whose chunks are missing, a malformed
         * chunk or manifest.
         *
         * @param reason why, for the log
         */
        public record Refused(String reason) implements Outcome {}

        /**
         * Takes the next record of this model (see {@link #belongsTo}); tombstones are the
         * caller's.
         *
         * @param key the record key
         * @param value the record value, not null
         * @param headers the record headers
         * @return what the record gave
         */
        public Outcome accept(String key, byte[] value, Headers headers) {
            Objects.requireNonNull(value, "value must not be null (a tombstone is the caller's)");
            if (!key.equals(modelName)) {
                return chunk(value, headers);
            }
            String count = text(headers, COUNT);
            if (count == null) {
                return new Complete(value, headers);
            }
            return manifest(count, headers);
        }

        private Outcome chunk(byte[] value, Headers headers) {
            String id = text(headers, ID);
            Integer index = number(text(headers, INDEX), MAX_CHUNKS - 1);
            if (id == null || index == null) {
                return new Refused(
                        "a chunk record needs headers "
                                + ID
                                + " and "
                                + INDEX
                                + " (0 to "
                                + (MAX_CHUNKS - 1)
                                + ")");
            }
            chunks.put(index, new Chunk(id, value));
            return new Stored();
        }

        private Outcome manifest(String countText, Headers headers) {
            String id = text(headers, ID);
            Integer count = number(countText, MAX_CHUNKS);
            Integer bytes = number(text(headers, BYTES), Integer.MAX_VALUE - 16);
            if (id == null || count == null || count < 1 || bytes == null) {
                return new Refused(
                        "a checkpoint manifest needs headers "
                                + ID
                                + ", "
                                + COUNT
                                + " (1 to "
                                + MAX_CHUNKS
                                + ") and "
                                + BYTES);
            }
            long total = 0;
            for (int i = 0; i < count; i++) {
                Chunk chunk = chunks.get(i);
                if (chunk == null || !chunk.id().equals(id)) {
                    return new Refused(
                            "chunk " + i + " of " + count + " of checkpoint " + id + " is missing");
                }
                total += chunk.bytes().length;
            }
            if (total != bytes) {
                return new Refused(
                        "the chunks of checkpoint "
                                + id
                                + " hold "
                                + total
                                + " bytes, the manifest says "
                                + bytes);
            }
            byte[] checkpoint = new byte[bytes];
            int at = 0;
            for (int i = 0; i < count; i++) {
                byte[] part = chunks.get(i).bytes();
                System.arraycopy(part, 0, checkpoint, at, part.length);
                at += part.length;
            }
            // A checkpoint published again comes with its chunks again: these are done with.
            chunks.clear();
            return new Complete(checkpoint, headers);
        }

        private static String text(Headers headers, String name) {
            Header header = headers == null ? null : headers.lastHeader(name);
            return header == null || header.value() == null
                    ? null
                    : new String(header.value(), StandardCharsets.US_ASCII);
        }

        /** A decimal in [0, max], or null. */
        private static Integer number(String text, int max) {
            if (text == null || text.isEmpty() || text.length() > 10) {
                return null;
            }
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                    return null;
                }
            }
            long value = Long.parseLong(text);
            return value <= max ? (int) value : null;
        }
    }
}
