package io.github.vicregstreams.events;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary form of a pair event, for producers that would rather spend nothing on JSON: the
 * learner reads it in a few microseconds, where the JSON form's two base64 strings cost it tens
 * (most of its stream thread's time with {@code train.source=pair-events}). Everything is
 * little-endian, as {@code featuresF32} is:
 *
 * <pre>
 * 1 byte    0x00, which no JSON text starts with
 * 1 byte    the version, 1 (2 to 8 are kept for later versions)
 * 2 bytes   n, the id's length in bytes (unsigned)
 * n bytes   the id, UTF-8 (the record key, as in JSON)
 * 8 bytes   the timestamp, epoch ms, or -1 for none (the record's timestamp is used)
 * 4 bytes   m, the metadata's length in bytes; 0 for none
 * m bytes   the metadata, one JSON object in UTF-8
 * 4 bytes   d, the number of features of each view (model.input.dim)
 * 4d bytes  view 0, IEEE 754 float32
 * 4d bytes  view 1, IEEE 754 float32
 * </pre>
 *
 * <p>Nothing may follow view 1. The rules are the JSON form's (id, key, timestamp, metadata,
 * dimension, finite values, size), with the same reasons; a layout that does not hold is {@link
 * Reason#WRONG_SHAPE}.
 */
final class PairEventBinary {

    /** The first byte of the binary form. */
    static final byte MAGIC = 0x00;

    /** The version this release writes and reads. */
    static final byte VERSION = 1;

    /** The highest byte after {@link #MAGIC} that marks the binary form (a version). */
    private static final byte LAST_RESERVED_VERSION = 8;

    /** The timestamp field's value when the event has none. */
    static final long NO_TIMESTAMP = -1;

    private PairEventBinary() {}

    /**
     * Whether a value is in the binary form. The second byte tells it from UTF-16BE JSON, which
     * starts with 0x00 too but then a character ({@code {}, a space, a line break: 0x09 and up).
     */
    static boolean isBinary(byte[] value) {
        return value.length >= 2
                && value[0] == MAGIC
                && value[1] >= 1
                && value[1] <= LAST_RESERVED_VERSION;
    }

    /**
     * Reads a value in the binary form.
     *
     * @param value a value for which {@link #isBinary} holds
     * @param inputDim the number of features each view must have
     * @return the fields, view 0 in {@code features} and view 1 in {@code features1}
     * @throws Rejection for a value that breaks a rule
     */
    static FeatureEventReader.Fields read(byte[] value, int inputDim) {
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        try {
            in.position(1);
            byte version = in.get();
            if (version != VERSION) {
                throw shape("the version must be " + VERSION + ". Got: " + version);
            }
            FeatureEventReader.Fields fields = new FeatureEventReader.Fields();
            fields.id = readId(in);
            long timestamp = in.getLong();
            if (timestamp < NO_TIMESTAMP) {
                throw new Rejection(
                        Reason.BAD_TIMESTAMP,
                        "timestamp must be a non-negative int64 (epoch ms), or -1 for none. Got: "
                                + timestamp);
            }
            fields.timestamp = timestamp == NO_TIMESTAMP ? null : timestamp;
            fields.metadata = readMetadata(in);
            int dim = in.getInt();
            if (dim != inputDim) {
                throw EventLimits.wrongCount("features", inputDim, dim);
            }
            long viewBytes = 2L * Float.BYTES * dim;
            if (in.remaining() != viewBytes) {
                throw shape(
                        "the two views must take exactly 2 × 4 × "
                                + dim
                                + " = "
                                + viewBytes
                                + " bytes, and end the value. Got: "
                                + in.remaining()
                                + " bytes");
            }
            fields.features = readView(in, dim, "features[0]");
            fields.features1 = readView(in, dim, "features[1]");
            return fields;
        } catch (BufferUnderflowException e) {
            throw shape("the value ends before its layout does. Got: " + value.length + " bytes");
        }
    }

    /**
     * Writes a pair event in the binary form.
     *
     * @param event the event
     * @return the value
     */
    static byte[] write(PairEvent event) {
        byte[] id = event.id().getBytes(StandardCharsets.UTF_8);
        byte[] metadata =
                event.metadata() == null
                        ? new byte[0]
                        : event.metadata().json().getBytes(StandardCharsets.UTF_8);
        int dim = event.view0().length;
        ByteBuffer out =
                ByteBuffer.allocate(
                                2
                                        + 2
                                        + id.length
                                        + 8
                                        + 4
                                        + metadata.length
                                        + 4
                                        + 2 * Float.BYTES * dim)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put(VERSION).putShort((short) id.length).put(id);
        out.putLong(event.timestamp() == null ? NO_TIMESTAMP : event.timestamp());
        out.putInt(metadata.length).put(metadata).putInt(dim);
        out.asFloatBuffer().put(event.view0()).put(event.view1());
        return out.array();
    }

    private static String readId(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw shape("the id's length runs past the value. Got: " + length + " bytes");
        }
        ByteBuffer bytes = in.slice().limit(length);
        in.position(in.position() + length);
        String id;
        try {
            id =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(bytes)
                            .toString();
        } catch (CharacterCodingException e) {
            throw shape("the id must be UTF-8. Got: " + e.getMessage());
        }
        Rejection problem = EventLimits.checkId(id);
        if (problem != null) {
            throw problem;
        }
        return id;
    }

    private static Metadata readMetadata(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw shape(
                    "the metadata's length runs past the value. Got: "
                            + Integer.toUnsignedString(length)
                            + " bytes");
        }
        if (length == 0) {
            return null;
        }
        if (length > EventLimits.MAX_METADATA_BYTES) {
            throw EventLimits.metadataTooLarge(length);
        }
        byte[] json = Arrays.copyOfRange(in.array(), in.position(), in.position() + length);
        in.position(in.position() + length);
        return Json.readStandaloneMetadata(json);
    }

    private static float[] readView(ByteBuffer in, int dim, String field) {
        float[] view = new float[dim];
        in.asFloatBuffer().get(view);
        in.position(in.position() + Float.BYTES * dim);
        Rejection problem = EventLimits.checkVector(field, view);
        if (problem != null) {
            throw problem;
        }
        return view;
    }

    private static Rejection shape(String detail) {
        return new Rejection(Reason.WRONG_SHAPE, "binary pair event: " + detail);
    }
}
