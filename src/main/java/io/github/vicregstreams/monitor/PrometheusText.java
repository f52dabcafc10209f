package io.github.vicregstreams.monitor;

import java.util.Map;

/**
 * Writes metric families in the Prometheus text exposition format, version 0.0.4: a {@code # HELP}
 * and a {@code # TYPE} line, then one line per sample.
 */
final class PrometheusText {

    /** The content type of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** Writes a family of one unlabelled sample. */
    PrometheusText gauge(String name, String help, double value) {
        header(name, "gauge", help);
        sample(name, Map.of(), value);
        return this;
    }

    /** Writes a counter family of one unlabelled sample. */
    PrometheusText counter(String name, String help, double value) {
        header(name, "counter", help);
        sample(name, Map.of(), value);
        return this;
    }

    /** Starts a family; follow with {@link #sample} calls. */
    PrometheusText header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** Writes one sample of the current family, labels in the map's order. */
    PrometheusText sample(String name, Map<String, String> labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(label.getKey())
                        .append("=\"")
                        .append(escapeLabel(label.getValue()))
                        .append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
