package io.github.vicregstreams.monitor;

import io.github.vicregstreams.topology.DeadLetterCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** Picks the monitor's numbers out of the Kafka Streams metrics. */
final class StreamsMetricsReader {

    /** The consumer's per-partition lag metrics. */
    static final String FETCH_GROUP = "consumer-fetch-manager-metrics";

    static final String RECORDS_LAG = "records-lag";
    static final String RECORDS_LAG_MAX = "records-lag-max";

    /** The lag of one input partition of this instance. */
    record Lag(String topic, int partition, double records) {}

    private StreamsMetricsReader() {}

    /**
     * Dead letters by reason, summed over processors and tasks, sorted by reason: the counters
     * {@link DeadLetterCounter} registers, one per reason, processor and task.
     */
    static Map<String, Double> deadLettersByReason(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Double> byReason = new TreeMap<>();
        metrics.forEach(
                (name, metric) -> {
                    if (name.group().equals(DeadLetterCounter.METRIC_GROUP)
                            && name.name().equals(DeadLetterCounter.METRIC_NAME)) {
                        double value = value(metric);
                        String reason =
                                name.tags().getOrDefault(DeadLetterCounter.REASON_TAG, "unknown");
                        if (!Double.isNaN(value)) {
                            byReason.merge(reason, value, Double::sum);
                        }
                    }
                });
        return byReason;
    }

    /**
     * The lag of each input partition this instance consumes (the main consumers' {@value
     * #RECORDS_LAG}; restore consumers read changelogs and are left out), sorted by topic and
     * partition.
     */
    static List<Lag> lags(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Lag> byPartition = new TreeMap<>();
        metrics.forEach(
                (name, metric) -> {
                    Map<String, String> tags = name.tags();
                    if (name.group().equals(FETCH_GROUP)
                            && name.name().equals(RECORDS_LAG)
                            && tags.containsKey("topic")
                            && tags.containsKey("partition")
                            && !isRestoreConsumer(tags)) {
                        double value = value(metric);
                        if (!Double.isNaN(value)) {
                            int partition = Integer.parseInt(tags.get("partition"));
                            String key =
                                    tags.get("topic") + "\u0000" + String.format("%09d", partition);
                            byPartition.merge(
                                    key,
                                    new Lag(tags.get("topic"), partition, value),
                                    (a, b) -> a.records() >= b.records() ? a : b);
                        }
                    }
                });
        return new ArrayList<>(byPartition.values());
    }

    /** The largest lag of any main consumer over its recent fetches, NaN when unknown. */
    static double maxLag(Map<MetricName, ? extends Metric> metrics) {
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (name.group().equals(FETCH_GROUP)
                    && name.name().equals(RECORDS_LAG_MAX)
                    && !name.tags().containsKey("topic")
                    && !isRestoreConsumer(name.tags())) {
                double value = value(e.getValue());
                if (!Double.isNaN(value) && !Double.isInfinite(value)) {
                    max = Double.isNaN(max) ? value : Math.max(max, value);
                }
            }
        }
        return max;
    }

    /**
     * The largest value of a vicreg gauge over the tasks that have it, NaN when none has: the
     * backfill's, which exactly one task of the application has, on one instance.
     */
    static double vicregGauge(Map<MetricName, ? extends Metric> metrics, String name) {
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().group().equals(DeadLetterCounter.METRIC_GROUP)
                    && e.getKey().name().equals(name)) {
                double value = value(e.getValue());
                if (!Double.isNaN(value)) {
                    max = Double.isNaN(max) ? value : Math.max(max, value);
                }
            }
        }
        return max;
    }

    private static boolean isRestoreConsumer(Map<String, String> tags) {
        return tags.getOrDefault("client-id", "").endsWith("restore-consumer");
    }

    private static double value(Metric metric) {
        Object value = metric.metricValue();
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
