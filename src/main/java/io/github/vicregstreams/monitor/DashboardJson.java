package io.github.vicregstreams.monitor;

import static io.github.vicregstreams.monitor.MonitorJson.putFinite;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.topology.BackfillSensors;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The dashboard's JSON: {@code /api/series} (a summary, the recent training steps and the effective
 * rank over time) and {@code /api/scatter} (the PCA of recent embeddings).
 */
final class DashboardJson {

    /** How many metrics events {@code /api/series} returns when no limit is asked for. */
    static final int DEFAULT_SERIES_LIMIT = 1_000;

    private DashboardJson() {}

    /** The {@code limit} query parameter of {@code /api/series}, at least 1, or the default. */
    static int limit(URI uri) {
        String query = uri.getRawQuery();
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("limit=")) {
                    try {
                        return Math.max(1, Integer.parseInt(part.substring("limit=".length())));
                    } catch (NumberFormatException e) {
                        // an unreadable limit gives the default
                    }
                }
            }
        }
        return DEFAULT_SERIES_LIMIT;
    }

    /** The body of {@code /api/series}: the summary and up to {@code limit} recent steps. */
    static ObjectNode series(MonitorView view, int limit) {
        MonitorModel model = view.model();
        ObjectNode body = MonitorJson.object();
        body.set("summary", summary(view));
        List<MetricsEvent> steps = model.recentSteps(limit);
        ObjectNode series = body.putObject("series");
        longs(series.putArray("step"), steps, MetricsEvent::step);
        longs(series.putArray("time"), steps, MetricsEvent::timestamp);
        doubles(series.putArray("loss"), steps, MetricsEvent::loss);
        doubles(series.putArray("invariance"), steps, MetricsEvent::invariance);
        doubles(series.putArray("variance"), steps, MetricsEvent::variance);
        doubles(series.putArray("covariance"), steps, MetricsEvent::covariance);
        doubles(series.putArray("stdMin"), steps, MetricsEvent::embeddingStdMin);
        doubles(series.putArray("stdMean"), steps, MetricsEvent::embeddingStdMean);
        doubles(series.putArray("pairsPerSecond"), steps, MetricsEvent::pairsPerSecond);
        ArrayNode applied = series.putArray("applied");
        steps.forEach(e -> applied.add(e.applied()));
        ObjectNode rank = body.putObject("rank");
        ArrayNode rankStep = rank.putArray("step");
        ArrayNode rankTime = rank.putArray("time");
        ArrayNode rankValue = rank.putArray("value");
        for (MonitorModel.RankPoint point : model.ranks()) {
            rankStep.add(point.step());
            rankTime.add(point.timeMs());
            putFinite(rankValue, point.rank());
        }
        return body;
    }

    private static ObjectNode summary(MonitorView view) {
        MonitorModel model = view.model();
        Health health = view.health();
        ObjectNode summary = MonitorJson.object();
        summary.put("status", health.status());
        summary.put("reason", health.reason());
        summary.put("streamsState", health.state().name());
        summary.setAll(HealthJson.trainer(view));
        MonitorModel.Counters counters = model.counters();
        summary.put("steps", counters.steps());
        summary.put("skippedSteps", counters.skippedSteps());
        summary.put("pairs", counters.pairs());
        summary.put("embeddings", counters.embeddings());
        EmbeddingAnalysis analysis = model.analysis();
        if (analysis == null) {
            summary.putNull("effectiveRank");
        } else {
            putFinite(summary, "effectiveRank", analysis.effectiveRank());
        }
        Map<MetricName, ? extends Metric> metrics = view.streams().metrics();
        ObjectNode deadLetters = summary.putObject("deadLetters");
        StreamsMetricsReader.deadLettersByReason(metrics).forEach(deadLetters::put);
        putFinite(summary, "lagMax", StreamsMetricsReader.maxLag(metrics));
        summary.set("versions", versions(metrics));
        return summary;
    }

    /**
     * Model versions, from the backfill's gauges on the instance that runs it: the served version,
     * the one being backfilled (0 for none) and its progress; all null elsewhere, or with versions
     * off.
     */
    private static ObjectNode versions(Map<MetricName, ? extends Metric> metrics) {
        ObjectNode versions = MonitorJson.object();
        putFinite(
                versions,
                "served",
                StreamsMetricsReader.vicregGauge(metrics, BackfillSensors.SERVED_VERSION));
        putFinite(
                versions,
                "backfilling",
                StreamsMetricsReader.vicregGauge(metrics, BackfillSensors.VERSION));
        putFinite(
                versions,
                "itemsDone",
                StreamsMetricsReader.vicregGauge(metrics, BackfillSensors.ITEMS_DONE));
        putFinite(
                versions,
                "items",
                StreamsMetricsReader.vicregGauge(metrics, BackfillSensors.ITEMS));
        return versions;
    }

    /**
     * The body of {@code /api/scatter}: the latest analysis's points, each with the index of its
     * label in {@code labels} (-1 for none).
     */
    static ObjectNode scatter(MonitorView view) {
        ObjectNode body = MonitorJson.object();
        body.put("field", view.config().labelField());
        EmbeddingAnalysis analysis = view.model().analysis();
        if (analysis == null) {
            body.put("count", 0);
            body.putArray("labels");
            body.putArray("points");
            return body;
        }
        body.put("count", analysis.count());
        body.put("dimension", analysis.dimension());
        body.put("analysed", analysis.rankRows());
        putFinite(body, "effectiveRank", analysis.effectiveRank());
        ArrayNode explained = body.putArray("explainedVariance");
        for (double share : analysis.explainedVariance()) {
            putFinite(explained, share);
        }
        body.put("minModelStep", analysis.minModelStep());
        body.put("maxModelStep", analysis.maxModelStep());
        body.put("computedAt", analysis.computedAtMs());
        // Labels sorted, numerically where they are all numbers ("2" before "10").
        Map<String, Integer> index = new TreeMap<>(DashboardJson::compareLabels);
        for (String label : analysis.labels()) {
            if (label != null) {
                index.putIfAbsent(label, 0);
            }
        }
        ArrayNode labels = body.putArray("labels");
        int next = 0;
        for (Map.Entry<String, Integer> e : index.entrySet()) {
            e.setValue(next++);
            labels.add(e.getKey());
        }
        ArrayNode points = body.putArray("points");
        float[][] xy = analysis.points();
        for (int i = 0; i < xy.length; i++) {
            ArrayNode point = points.addArray();
            point.add(xy[i][0]);
            point.add(xy[i][1]);
            String label = analysis.labels()[i];
            point.add(label == null ? -1 : index.get(label));
        }
        return body;
    }

    /** Numbers first, in numeric order ("2" before "10"), then other labels alphabetically. */
    private static int compareLabels(String a, String b) {
        Double x = number(a);
        Double y = number(b);
        if (x != null && y != null) {
            int byValue = Double.compare(x, y);
            return byValue != 0 ? byValue : a.compareTo(b);
        }
        if (x != null || y != null) {
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static Double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static <T> void longs(ArrayNode array, List<T> items, ToLongFunction<T> f) {
        items.forEach(item -> array.add(f.applyAsLong(item)));
    }

    private static <T> void doubles(ArrayNode array, List<T> items, ToDoubleFunction<T> f) {
        items.forEach(item -> putFinite(array, f.applyAsDouble(item)));
    }
}
