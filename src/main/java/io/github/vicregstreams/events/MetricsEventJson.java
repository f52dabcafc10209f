package io.github.vicregstreams.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Writes and reads {@link MetricsEvent}s. Non-finite doubles travel as {@code null} (JSON has no
 * NaN) and come back as NaN. The reader ignores unknown fields, so that adding a metric stays a
 * compatible change for dashboards.
 */
final class MetricsEventJson {
    private static final int SIZE_HINT = 320;

    private MetricsEventJson() {}

    static byte[] write(MetricsEvent event) throws IOException {
        return Json.toBytes(
                SIZE_HINT,
                g -> {
                    g.writeStartObject();
                    g.writeNumberField("step", event.step());
                    g.writeNumberField("timestamp", event.timestamp());
                    g.writeNumberField("batchSize", event.batchSize());
                    writeDouble(g, "loss", event.loss());
                    writeDouble(g, "invariance", event.invariance());
                    writeDouble(g, "variance", event.variance());
                    writeDouble(g, "covariance", event.covariance());
                    writeDouble(g, "embeddingStdMin", event.embeddingStdMin());
                    writeDouble(g, "embeddingStdMean", event.embeddingStdMean());
                    writeDouble(g, "pairsPerSecond", event.pairsPerSecond());
                    g.writeBooleanField("applied", event.applied());
                    g.writeEndObject();
                });
    }

    private static void writeDouble(JsonGenerator g, String field, double value)
            throws IOException {
        g.writeFieldName(field);
        if (Double.isFinite(value)) {
            g.writeNumber(value);
        } else {
            g.writeNull();
        }
    }

    static MetricsEvent read(byte[] data) {
        Fields f = new Fields();
        Json.readObject(data, "metrics event", f::read);
        Json.require(f.step != null, "step");
        Json.require(f.timestamp != null, "timestamp");
        Json.require(f.batchSize != null, "batchSize");
        for (DoubleField field : DoubleField.values()) {
            Json.require(f.seen[field.ordinal()], field.jsonName);
        }
        Json.require(f.applied != null, "applied");
        double[] values = f.values;
        return new MetricsEvent(
                f.step,
                f.timestamp,
                f.batchSize,
                values[DoubleField.LOSS.ordinal()],
                values[DoubleField.INVARIANCE.ordinal()],
                values[DoubleField.VARIANCE.ordinal()],
                values[DoubleField.COVARIANCE.ordinal()],
                values[DoubleField.EMBEDDING_STD_MIN.ordinal()],
                values[DoubleField.EMBEDDING_STD_MEAN.ordinal()],
                values[DoubleField.PAIRS_PER_SECOND.ordinal()],
                f.applied);
    }

    /** The fields of a metrics event as read. */
    private static final class Fields {
        Long step;
        Long timestamp;
        Integer batchSize;
        final double[] values = new double[DoubleField.values().length];
        final boolean[] seen = new boolean[values.length];
        Boolean applied;

        boolean read(JsonParser p, String name, JsonToken token) throws IOException {
            switch (name) {
                case "step":
                    step = Json.expectLong(p, token, "step", 0);
                    return true;
                case "timestamp":
                    timestamp = Json.expectLong(p, token, "timestamp", 0);
                    return true;
                case "batchSize":
                    batchSize = Json.expectInt(p, token, "batchSize", 1);
                    return true;
                case "applied":
                    if (!token.isBoolean()) {
                        throw new Rejection(
                                Reason.WRONG_SHAPE,
                                "applied must be true or false. Got: " + Json.describe(p, token));
                    }
                    applied = token == JsonToken.VALUE_TRUE;
                    return true;
                default:
                    DoubleField field = DoubleField.byName(name);
                    if (field == null) {
                        return false; // unknown fields: tolerated, see the class comment
                    }
                    values[field.ordinal()] = readDouble(p, token, name);
                    seen[field.ordinal()] = true;
                    return true;
            }
        }
    }

    private static double readDouble(JsonParser p, JsonToken token, String field)
            throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (token == null
                || !token.isNumeric()
                || (token == JsonToken.VALUE_NUMBER_FLOAT && Json.isNonStandardNumber(p))) {
            throw new Rejection(
                    Reason.WRONG_SHAPE,
                    field
                            + " must be a number, or null when not finite. Got: "
                            + Json.describe(p, token));
        }
        return p.getDoubleValue();
    }

    /** The double-valued fields, in record order. */
    private enum DoubleField {
        LOSS("loss"),
        INVARIANCE("invariance"),
        VARIANCE("variance"),
        COVARIANCE("covariance"),
        EMBEDDING_STD_MIN("embeddingStdMin"),
        EMBEDDING_STD_MEAN("embeddingStdMean"),
        PAIRS_PER_SECOND("pairsPerSecond");

        private final String jsonName;

        DoubleField(String jsonName) {
            this.jsonName = jsonName;
        }

        static DoubleField byName(String name) {
            for (DoubleField field : values()) {
                if (field.jsonName.equals(name)) {
                    return field;
                }
            }
            return null;
        }
    }
}
