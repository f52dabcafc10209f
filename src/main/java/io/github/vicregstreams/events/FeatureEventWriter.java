package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Writes view, sample and pair events as the JSON their readers accept. */
final class FeatureEventWriter {
    /** Room for the fields around the vector. */
    private static final int OVERHEAD_BYTES = 128;

    /** A JSON float32 takes up to ~15 bytes; most take about 11. */
    private static final int JSON_BYTES_PER_FEATURE = 12;

    private static final int F32_BYTES_PER_FEATURE = 6;

    private FeatureEventWriter() {}

    static byte[] write(ViewEvent event, FeatureEncoding encoding) throws IOException {
        return Json.toBytes(
                sizeHint(event.featureCount(), event.metadata(), encoding),
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", event.id());
                    g.writeNumberField("view", event.view());
                    writeBody(
                            g,
                            event.featuresUnsafe(),
                            event.timestamp(),
                            event.metadata(),
                            encoding);
                    g.writeEndObject();
                });
    }

    static byte[] write(SampleEvent event, FeatureEncoding encoding) throws IOException {
        return Json.toBytes(
                sizeHint(event.featureCount(), event.metadata(), encoding),
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", event.id());
                    writeBody(
                            g,
                            event.featuresUnsafe(),
                            event.timestamp(),
                            event.metadata(),
                            encoding);
                    g.writeEndObject();
                });
    }

    static byte[] write(PairEvent event, FeatureEncoding encoding) throws IOException {
        return Json.toBytes(
                sizeHint(2 * event.view0().length, event.metadata(), encoding),
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", event.id());
                    g.writeFieldName(featuresField(encoding));
                    g.writeStartArray();
                    writeVector(g, event.view0(), encoding);
                    writeVector(g, event.view1(), encoding);
                    g.writeEndArray();
                    writeOptional(g, event.timestamp(), event.metadata());
                    g.writeEndObject();
                });
    }

    private static void writeBody(
            JsonGenerator g,
            float[] features,
            Long timestamp,
            Metadata metadata,
            FeatureEncoding encoding)
            throws IOException {
        g.writeFieldName(featuresField(encoding));
        writeVector(g, features, encoding);
        writeOptional(g, timestamp, metadata);
    }

    private static String featuresField(FeatureEncoding encoding) {
        return encoding == FeatureEncoding.FLOAT32_BASE64 ? "featuresF32" : "features";
    }

    private static void writeVector(JsonGenerator g, float[] values, FeatureEncoding encoding)
            throws IOException {
        if (encoding == FeatureEncoding.FLOAT32_BASE64) {
            Json.writeFloat32(g, values);
        } else {
            Json.writeFloats(g, values);
        }
    }

    private static void writeOptional(JsonGenerator g, Long timestamp, Metadata metadata)
            throws IOException {
        if (timestamp != null) {
            g.writeNumberField("timestamp", timestamp);
        }
        if (metadata != null) {
            g.writeFieldName("metadata");
            g.writeRawValue(metadata.json());
        }
    }

    private static int sizeHint(int features, Metadata metadata, FeatureEncoding encoding) {
        int perFeature =
                encoding == FeatureEncoding.FLOAT32_BASE64
                        ? F32_BYTES_PER_FEATURE
                        : JSON_BYTES_PER_FEATURE;
        return OVERHEAD_BYTES
                + features * perFeature
                + (metadata == null ? 0 : metadata.sizeInBytes());
    }
}
