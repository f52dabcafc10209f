package io.github.vicregstreams.events;

import java.io.IOException;

/** Writes view, sample and pair events as the JSON their readers accept. */
final class FeatureEventWriter {
    /** Room for the fields around the vector. */
    private static final int OVERHEAD_BYTES = 128;

    /** For an event without a {@code view} field: a sample or a pair event. */
    private static final int NO_VIEW = -1;

    private FeatureEventWriter() {}

    static byte[] write(ViewEvent event, FeatureEncoding encoding) throws IOException {
        return write(event, event.view(), encoding, event.featuresUnsafe());
    }

    static byte[] write(SampleEvent event, FeatureEncoding encoding) throws IOException {
        return write(event, NO_VIEW, encoding, event.featuresUnsafe());
    }

    static byte[] write(PairEvent event, FeatureEncoding encoding) throws IOException {
        return write(event, NO_VIEW, encoding, event.view0(), event.view1());
    }

    /**
     * Writes the fields of any input event in the readers' order.
     *
     * @param view the view number, or {@link #NO_VIEW}
     * @param vectors one vector, or a pair event's two (then written as an array of both)
     */
    private static byte[] write(
            InputEvent event, int view, FeatureEncoding encoding, float[]... vectors)
            throws IOException {
        Metadata metadata = event.metadata();
        int values = 0;
        for (float[] vector : vectors) {
            values += vector.length;
        }
        return Json.toBytes(
                VectorJson.sizeHint(OVERHEAD_BYTES, values, encoding, metadata),
                g -> {
                    g.writeStartObject();
                    g.writeStringField("id", event.id());
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
                    if (event.timestamp() != null) {
                        g.writeNumberField("timestamp", event.timestamp());
                    }
                    Json.writeMetadata(g, metadata);
                    g.writeEndObject();
                });
    }
}
