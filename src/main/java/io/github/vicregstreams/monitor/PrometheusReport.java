package io.github.vicregstreams.monitor;

import io.github.vicregstreams.events.MetricsEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The body of {@code /metrics}: the learner's health, the trainer's progress, the embeddings'
 * analysis, dead letters, consumer lag and the latest checkpoint, in {@link PrometheusText}.
 */
final class PrometheusReport {

    private PrometheusReport() {}

    /** The metrics as Prometheus text, of what the monitor sees now. */
    static String render(MonitorView view) {
        PrometheusText text = new PrometheusText();
        // One snapshot of the counters, so the figures of one scrape agree with each other.
        MonitorModel.Counters counters = view.model().counters();
        health(text, view.health());
        training(text, view, counters);
        embeddings(text, view.model(), counters);
        streams(text, view.streams().metrics());
        checkpoint(text, view);
        text.counter(
                "vicreg_monitor_bad_records_total",
                "Records of the output topics the monitor could not read.",
                counters.badRecords());
        return text.toString();
    }

    private static void health(PrometheusText text, Health health) {
        text.gauge(
                "vicreg_live", "1 when the learner is live (see /health).", health.live() ? 1 : 0);
        text.gauge(
                "vicreg_ready",
                "1 when the learner is ready (see /health).",
                health.ready() ? 1 : 0);
        text.header("vicreg_streams_state", "gauge", "1 for the Kafka Streams state it is in.");
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            text.sample(
                    "vicreg_streams_state", Map.of("state", s.name()), s == health.state() ? 1 : 0);
        }
    }

    private static void training(
            PrometheusText text, MonitorView view, MonitorModel.Counters counters) {
        text.counter(
                "vicreg_training_steps_total",
                "Training steps seen on the metrics topic since the monitor started (with the"
                        + " history it read at start).",
                counters.steps());
        text.counter(
                "vicreg_training_skipped_steps_total",
                "Training steps whose update was skipped (non-finite loss), of those seen.",
                counters.skippedSteps());
        text.gauge(
                "vicreg_training_consecutive_skipped_steps",
                "Training steps skipped in a row up to the latest.",
                counters.consecutiveSkippedSteps());
        text.counter(
                "vicreg_training_pairs_total",
                "Pairs trained in the steps seen.",
                counters.pairs());
        MetricsEvent latest = view.model().latestStep();
        if (latest == null) {
            return;
        }
        text.gauge("vicreg_training_step", "The latest training step.", latest.step());
        text.gauge(
                "vicreg_training_last_step_age_seconds",
                "Seconds since the latest training step finished.",
                view.ageSeconds(latest.timestamp()));
        text.gauge("vicreg_loss", "VICReg loss of the latest step.", latest.loss());
        text.gauge(
                "vicreg_loss_invariance",
                "Invariance term s(Z, Z') of the latest step, unweighted.",
                latest.invariance());
        text.gauge(
                "vicreg_loss_variance",
                "Variance terms v(Z) + v(Z') of the latest step, unweighted.",
                latest.variance());
        text.gauge(
                "vicreg_loss_covariance",
                "Covariance terms c(Z) + c(Z') of the latest step, unweighted.",
                latest.covariance());
        text.header(
                "vicreg_projection_std",
                "gauge",
                "Per-dimension standard deviation of the projections over the latest batch.");
        text.sample("vicreg_projection_std", Map.of("stat", "min"), latest.embeddingStdMin());
        text.sample("vicreg_projection_std", Map.of("stat", "mean"), latest.embeddingStdMean());
        text.gauge(
                "vicreg_training_pairs_per_second",
                "Training throughput of the latest step.",
                latest.pairsPerSecond());
    }

    private static void embeddings(
            PrometheusText text, MonitorModel model, MonitorModel.Counters counters) {
        EmbeddingAnalysis analysis = model.analysis();
        if (analysis != null) {
            text.gauge(
                    "vicreg_embedding_effective_rank",
                    "Effective rank (Roy & Vetterli) of the recent embeddings.",
                    analysis.effectiveRank());
            text.gauge(
                    "vicreg_embedding_analysed",
                    "Recent embeddings the effective rank and PCA were computed from.",
                    analysis.rankRows());
            text.gauge(
                    "vicreg_embedding_dimension",
                    "Dimension of the embeddings.",
                    analysis.dimension());
        }
        text.counter(
                "vicreg_embeddings_seen_total",
                "Embeddings read from the embeddings topic.",
                counters.embeddings());
        text.gauge(
                "vicreg_collapse_warning",
                "1 while the projection std or the effective rank is below its collapse threshold.",
                model.collapse().collapsed() ? 1 : 0);
    }

    private static void streams(PrometheusText text, Map<MetricName, ? extends Metric> metrics) {
        text.header(
                "vicreg_dead_letters_total",
                "counter",
                "Records sent to the dead-letter topic, by reason.");
        StreamsMetricsReader.deadLettersByReason(metrics)
                .forEach(
                        (reason, count) ->
                                text.sample(
                                        "vicreg_dead_letters_total",
                                        Map.of("reason", reason),
                                        count));
        List<StreamsMetricsReader.Lag> lags = StreamsMetricsReader.lags(metrics);
        text.header(
                "vicreg_consumer_lag_records",
                "gauge",
                "Records behind the end of each input partition this instance consumes.");
        for (StreamsMetricsReader.Lag lag : lags) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("topic", lag.topic());
            labels.put("partition", Integer.toString(lag.partition()));
            text.sample("vicreg_consumer_lag_records", labels, lag.records());
        }
        double maxLag = StreamsMetricsReader.maxLag(metrics);
        if (!Double.isNaN(maxLag)) {
            text.gauge(
                    "vicreg_consumer_lag_max_records",
                    "The largest lag of this instance's consumers over their recent fetches.",
                    maxLag);
        }
    }

    private static void checkpoint(PrometheusText text, MonitorView view) {
        MonitorModel.Checkpoint checkpoint = view.model().checkpoint();
        if (checkpoint == null) {
            return;
        }
        text.gauge("vicreg_checkpoint_step", "Step of the latest checkpoint.", checkpoint.step());
        text.gauge(
                "vicreg_checkpoint_age_seconds",
                "Seconds since the latest checkpoint was published.",
                view.ageSeconds(checkpoint.timestampMs()));
        text.gauge(
                "vicreg_checkpoint_size_bytes",
                "Size of the latest checkpoint.",
                checkpoint.bytes().length);
    }
}
