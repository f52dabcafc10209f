package io.github.vicregstreams.events;

import java.io.IOException;

/** Writes view, sample and pair events as the JSON their readers accept. */
final class FeatureEventWriter {
    /** Room for the fields around the vector. */
    private static final int OVERHEAD_BYTES = 128;

    private FeatureEventWriter() {}

    static byte[] write(ViewEvent event, FeatureEncoding encoding) throws IOException {
        return write(
                event.id(),
                event.view(),
                event.timestamp(),
                event.metadata(),
                encoding,
                event.featuresUnsafe());
    }

    static byte[] write(SampleEvent event, FeatureEncoding encoding) throws IOException {
        return write(
                event.id(),
                -1,
                event.timestamp(),
                event.metadata(),
                encoding,
                event.featuresUnsafe());
    }

    static byte[] write(PairEvent event, FeatureEncoding encoding) throws IOException {
        return write(
                event.id(),
                -1,
                event.timestamp(),
                event.metadata(),
                encoding,
                event.view0(),
                event.view1());
    }

    /**
     * Writes the fields of any input event in the readers' order.
     *
     * @param view the view number, or -1 for an event without a {@code view} field
     * @param vectors one vector, or a pair event's two (then written as an array of both)
     */
    private static byte[] write(
            String id,
            int view,
            Long timestamp,
            Metadata metadata,
            FeatureEncoding encoding,
            float[]... vectors)
            throws IOException {
        int values = 0;
        for (float[] vector : vectors) {
            values += vector.length;
        }
        int sizeHint =
                OVERHEAD_BYTES
                        + values * VectorJson.bytesPerValue(encoding)
                        + (metadata == null ? 0 : metadata.sizeInBytes());
        return Json.toBytes(
                sizeHint,
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", id);
                    if (view >= 0) {
                        g.writeNumberField("view", view);
                    }
                    g.writeFieldName(VectorJson.fieldName("features", encoding));
                    if (vectors.length == 1) {
                        VectorJson.write(g, vectors[0], encoding);
                    } else {
                        g.writeStartArray();
                        for (float[] vector : vectors) {
                            VectorJson.write(g, vector, encoding);
                        }
                        g.writeEndArray();
                    }
                    if (timestamp != null) {
                        g.writeNumberField("timestamp", timestamp);
                    }
                    Json.writeMetadata(g, metadata);
                    g.writeEndObject();
                });
    }
}
