package io.github.vicregstreams.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.MetricsEvent;
import java.util.Locale;

/**
 * The bodies of {@code /health} (readiness) and {@code /health/live} (liveness), and the trainer's
 * figures they share with the dashboard's summary. The rules are on {@link Health}.
 */
final class HealthJson {

    private HealthJson() {}

    /**
     * The health answer: 200 when live (liveness) or ready (readiness), else 503 with the reason.
     *
     * @param view what the monitor sees now
     * @param livenessOnly whether only liveness is asked for ({@code /health/live})
     */
    static MonitorJson.Reply reply(MonitorView view, boolean livenessOnly) {
        Health health = view.health();
        ObjectNode body = MonitorJson.object();
        boolean ok = livenessOnly ? health.live() : health.ready();
        body.put("status", livenessOnly ? (health.live() ? "live" : "down") : health.status());
        if (health.reason() != null && !ok) {
            body.put("reason", health.reason());
        }
        body.put("live", health.live());
        body.put("ready", health.ready());
        body.put("streamsState", health.state().name());
        if (!livenessOnly) {
            body.set("trainer", trainer(view));
        }
        return new MonitorJson.Reply(ok ? 200 : 503, body);
    }

    /** The trainer's latest step, checkpoint and collapse verdict, as the monitor read them. */
    static ObjectNode trainer(MonitorView view) {
        MonitorModel model = view.model();
        ObjectNode trainer = MonitorJson.object();
        MetricsEvent latest = model.latestStep();
        MonitorModel.Counters counters = model.counters();
        if (latest == null) {
            trainer.putNull("step");
            trainer.putNull("lastStepAgeSeconds");
        } else {
            trainer.put("step", latest.step());
            trainer.put("lastStepAgeSeconds", view.ageSeconds(latest.timestamp()));
        }
        trainer.put("consecutiveSkippedSteps", counters.consecutiveSkippedSteps());
        MonitorModel.Checkpoint checkpoint = model.checkpoint();
        if (checkpoint == null) {
            trainer.putNull("checkpointStep");
        } else {
            trainer.put("checkpointStep", checkpoint.step());
            trainer.put("checkpointAgeSeconds", view.ageSeconds(checkpoint.timestampMs()));
        }
        CollapseDetector.Verdict collapse = model.collapse();
        ObjectNode collapseNode = trainer.putObject("collapse");
        collapseNode.put("warning", collapse.collapsed());
        ArrayNode reasons = collapseNode.putArray("reasons");
        collapse.reasons().forEach(reasons::add);
        trainer.put("monitor", model.readerState().name().toLowerCase(Locale.ROOT));
        return trainer;
    }
}
