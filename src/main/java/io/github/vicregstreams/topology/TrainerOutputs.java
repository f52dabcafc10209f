package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.events.Reason;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.vicreg.StepResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the trainer publishes of an incoming batch's step, on the stream thread: an embedding per
 * pair (a dead letter for a pair whose representation is not finite) and a metrics event.
 */
final class TrainerOutputs {

    private static final Logger log = LoggerFactory.getLogger(TrainerOutputs.class);

    private final ProcessorContext<Object, Object> context;
    private final TrainerSettings settings;
    private final TrainerNodes nodes;
    private final DeadLetters deadLetters;
    private final TrainerMetrics trainerMetrics;
    private final Serializer<ViewEvent> viewSerializer;
    private long lastStepEndNanos = -1;

    TrainerOutputs(
            ProcessorContext<Object, Object> context,
            TrainerSettings settings,
            TrainerNodes nodes,
            DeadLetters deadLetters,
            TrainerMetrics trainerMetrics) {
        this.context = context;
        this.settings = settings;
        this.nodes = nodes;
        this.deadLetters = deadLetters;
        this.trainerMetrics = trainerMetrics;
        this.viewSerializer =
                EventSerdes.viewEvents(
                                FeatureEventParser.views(settings.inputDim()),
                                FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
    }

    /**
     * Publishes a batch's step.
     *
     * @param batch the incoming batch
     * @param result its step
     * @param endNanos when the step ended, {@link System#nanoTime()}
     */
    void publish(TrainerJournal.Batch batch, StepResult result, long endNanos) {
        publishEmbeddings(batch, result);
        publishMetrics(result, batch.time(), endNanos);
    }

    private void publishEmbeddings(TrainerJournal.Batch batch, StepResult result) {
        EmbeddingSource source = settings.embeddingSource();
        List<TrainingPair> pairs = batch.pairs();
        for (int i = 0; i < pairs.size(); i++) {
            TrainingPair pair = pairs.get(i);
            if (pair.isSample()) {
                continue; // a sample of topic.samples: inference publishes its embedding
            }
            float[] embedding =
                    source.of(result.representations1()[i], result.representations2()[i]);
            if (!Finite.all(embedding)) {
                deadLetters.send(
                        asSourceRecord(pair, batch.offsets()[i]),
                        Reason.NON_FINITE_EMBEDDING,
                        "the model of step "
                                + result.representationStep()
                                + " gave a non-finite representation for id "
                                + pair.id());
                continue;
            }
            context.forward(
                    new Record<Object, Object>(
                            pair.id(),
                            new EmbeddingEvent(
                                    pair.id(),
                                    embedding,
                                    result.representationStep(),
                                    EmbeddingEvent.Source.TRAINING,
                                    pair.timestamp(),
                                    pair.metadata()),
                            pair.timestamp()),
                    nodes.embeddingsSink());
        }
    }

    /**
     * Dead-letters a pair of the journal topic whose views are not as wide as the model's input
     * ({@code wrong_feature_count}).
     */
    void deadLetterOfAnotherWidth(TrainingPair pair, long offset) {
        deadLetters.send(
                asSourceRecord(pair, offset),
                Reason.WRONG_FEATURE_COUNT,
                "the pair's views have "
                        + pair.view0().length
                        + " and "
                        + pair.view1().length
                        + " features, the model takes "
                        + settings.inputDim()
                        + " (a pair written by a learner of another model.input.dim)");
    }

    /**
     * The pair as an input record of the journal topic, at its offset there: its id, and its views
     * as two ViewEvent JSON lines, in the exact float32 form (the record itself, on the pairs topic
     * or as a pair event, is at that offset).
     */
    private SourceRecord asSourceRecord(TrainingPair pair, long offset) {
        ByteArrayOutputStream views = new ByteArrayOutputStream();
        for (int view = 0; view < 2; view++) {
            ViewEvent event =
                    new ViewEvent(
                            pair.id(),
                            view,
                            view == 0 ? pair.view0() : pair.view1(),
                            pair.timestamp(),
                            pair.metadata());
            views.writeBytes(viewSerializer.serialize(null, event));
            views.write('\n');
        }
        return new SourceRecord(
                settings.journalTopic(),
                TrainerJournal.JOURNAL_PARTITION,
                offset,
                pair.timestamp(),
                pair.id().getBytes(StandardCharsets.UTF_8),
                views.toByteArray());
    }

    private void publishMetrics(StepResult result, long batchTime, long endNanos) {
        double seconds = lastStepEndNanos < 0 ? Double.NaN : (endNanos - lastStepEndNanos) / 1e9;
        lastStepEndNanos = endNanos;
        MetricsEvent metrics =
                new MetricsEvent(
                        result.step(),
                        context.currentSystemTimeMs(),
                        result.batchSize(),
                        result.loss().total(),
                        result.loss().invariance(),
                        result.loss().variance(),
                        result.loss().covariance(),
                        result.projectionStdMin(),
                        result.projectionStdMean(),
                        result.batchSize() / seconds,
                        result.applied());
        trainerMetrics.recordStep(metrics, result);
        if (!result.applied()) {
            log.warn(
                    "Training step skipped: step=[{}] reason=[{}] batch=[{}]",
                    result.step(),
                    result.skipReason(),
                    result.batchSize());
        }
        context.forward(
                new Record<Object, Object>(settings.modelName(), metrics, batchTime),
                nodes.metricsSink());
    }
}
