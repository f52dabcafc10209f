package io.github.vicregstreams.events;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary form of a sample or pair event, for producers that would rather spend nothing on JSON:
 * the learner reads it in a few microseconds, where the JSON form's base64 strings cost it tens
 * (most of its stream thread's time with {@code train.source=pair-events}, and a third of it on the
 * inference path). Everything is little-endian, as {@code featuresF32} is:
 *
 * <pre>
 * 1 byte    0x00, which no JSON text starts with
 * 1 byte    the version, 1 (2 to 8 are kept for later versions)
 * 2 bytes   n, the id's length in bytes (unsigned)
 * n bytes   the id, UTF-8 (the record key, as in JSON)
 * 8 bytes   the timestamp, epoch ms, or -1 for none (the record's timestamp is used)
 * 4 bytes   m, the metadata's length in bytes; 0 for none
 * m bytes   the metadata, one JSON object in UTF-8
 * 4 bytes   d, the number of features of each vector (model.input.dim)
 * 4d bytes  the sample's features, or a pair event's view 0, IEEE 754 float32
 * 4d bytes  a pair event's view 1 (a sample event has one vector only)
 * </pre>
 *
 * <p>Nothing may follow the last vector. The rules are the JSON form's (id, key, timestamp,
 * metadata, dimension, finite values, size), with the same reasons; a layout that does not hold is
 * {@link Reason#WRONG_SHAPE}. View events have no binary form: a producer that makes one view at a
 * time is not the one JSON slows down.
 */
final class FeatureEventBinary {

    /** The first byte of the binary form. */
    static final byte MAGIC = 0x00;

    /** The version this release writes and reads. */
    static final byte VERSION = 1;

    /** The highest byte after {@link #MAGIC} that marks the binary form (a version). */
    private static final byte LAST_RESERVED_VERSION = 8;

    /** The timestamp field's value when the event has none. */
    static final long NO_TIMESTAMP = -1;

    private FeatureEventBinary() {}

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
     * @param inputDim the number of features each vector must have
     * @param pair whether the value is a pair event's (two vectors) rather than a sample's (one)
     * @return the fields: the sample's features, or view 0 in {@code features} and view 1 in {@code
     *     features1}
     * @throws Rejection for a value that breaks a rule
     */
    static FeatureEventReader.Fields read(byte[] value, int inputDim, boolean pair) {
        String form = pair ? "binary pair event: " : "binary sample event: ";
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        try {
            in.position(1);
            byte version = in.get();
            if (version != VERSION) {
                throw shape(form, "the version must be " + VERSION + ". Got: " + version);
            }
            FeatureEventReader.Fields fields = new FeatureEventReader.Fields();
            fields.id = readId(in, form);
            long timestamp = in.getLong();
            if (timestamp < NO_TIMESTAMP) {
                throw new Rejection(
                        Reason.BAD_TIMESTAMP,
                        "timestamp must be a non-negative int64 (epoch ms), or -1 for none. Got: "
                                + timestamp);
            }
            fields.timestamp = timestamp == NO_TIMESTAMP ? null : timestamp;
            fields.metadata = readMetadata(in, form);
            int dim = in.getInt();
            if (dim < 0) {
                throw shape(form, "the dimension must not be negative. Got: " + dim);
            }
            if (dim != inputDim) {
                throw EventLimits.wrongCount("features", inputDim, dim);
            }
            int vectors = pair ? 2 : 1;
            long vectorBytes = (long) vectors * Float.BYTES * dim;
            if (in.remaining() != vectorBytes) {
                throw shape(
                        form,
                        (pair
                                        ? "the two views must take exactly 2 × 4 × "
                                        : "the features must take exactly 4 × ")
                                + dim
                                + " = "
                                + vectorBytes
                                + " bytes, and end the value. Got: "
                                + in.remaining()
                                + " bytes");
            }
            if (pair) {
                fields.features = readVector(in, dim, "features[0]");
                fields.features1 = readVector(in, dim, "features[1]");
            } else {
                fields.features = readVector(in, dim, "features");
            }
            return fields;
        } catch (BufferUnderflowException e) {
            throw shape(
                    form, "the value ends before its layout does. Got: " + value.length + " bytes");
        }
    }

    /**
     * Writes a pair event in the binary form.
     *
     * @param event the event
     * @return the value
     */
    static byte[] write(PairEvent event) {
        return write(event.id(), event.timestamp(), event.metadata(), event.view0(), event.view1());
    }

    /**
     * Writes a sample event in the binary form.
     *
     * @param event the event
     * @return the value
     */
    static byte[] write(SampleEvent event) {
        return write(event.id(), event.timestamp(), event.metadata(), event.featuresUnsafe());
    }

    private static byte[] write(
            String eventId, Long timestamp, Metadata eventMetadata, float[]... vectors) {
        byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        byte[] metadata =
                eventMetadata == null
                        ? new byte[0]
                        : eventMetadata.json().getBytes(StandardCharsets.UTF_8);
        int dim = vectors[0].length;
        ByteBuffer out =
                ByteBuffer.allocate(
                                2
                                        + 2
                                        + id.length
                                        + 8
                                        + 4
                                        + metadata.length
                                        + 4
                                        + vectors.length * Float.BYTES * dim)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put(VERSION).putShort((short) id.length).put(id);
        out.putLong(timestamp == null ? NO_TIMESTAMP : timestamp);
        out.putInt(metadata.length).put(metadata).putInt(dim);
        FloatBuffer floats = out.asFloatBuffer();
        for (float[] vector : vectors) {
            floats.put(vector);
        }
        return out.array();
    }

    private static String readId(ByteBuffer in, String form) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw shape(form, "the id's length runs past the value. Got: " + length + " bytes");
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
            throw shape(form, "the id must be UTF-8. Got: " + e.getMessage());
        }
        Rejection problem = EventLimits.checkId(id);
        if (problem != null) {
            throw problem;
        }
        return id;
    }

    private static Metadata readMetadata(ByteBuffer in, String form) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw shape(
                    form,
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

    private static float[] readVector(ByteBuffer in, int dim, String field) {
        float[] view = new float[dim];
        in.asFloatBuffer().get(view);
        in.position(in.position() + Float.BYTES * dim);
        Rejection problem = EventLimits.checkVector(field, view);
        if (problem != null) {
            throw problem;
        }
        return view;
    }

    private static Rejection shape(String form, String detail) {
        return new Rejection(Reason.WRONG_SHAPE, form + detail);
    }
}
