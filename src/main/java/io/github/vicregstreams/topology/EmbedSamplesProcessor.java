package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.Reason;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.Djl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds each sample of one partition of the samples topic with the latest model, in micro-batches:
 * one forward pass for up to {@code inference.batch.size} samples.
 *
 * <p><b>Model.</b> Before each forward pass, {@link ServedModels} looks up the models to embed with
 * in the global {@code latest-model} store (an in-memory lookup and a fingerprint compare): the
 * latest checkpoint, or with model versions on the served version (and, during a backfill, the new
 * one too). When one changed, the task builds a new {@link
 * io.github.vicregstreams.vicreg.InferenceModel} from the weights the global thread already decoded
 * (a copy of a few MB, milliseconds) and drops the old one: no restart, no pause. Until a
 * checkpoint (or a version) exists, samples are embedded with the initial weights of the configured
 * seed, which are exactly the weights the trainer starts from ({@code modelStep} 0). With versions
 * on, each valid sample also goes to the items topic, for the backfill.
 *
 * <p><b>Exactly once.</b> Kafka Streams commits the offsets of every record already passed to
 * {@code process}, and offers no hook to run before a commit. A sample held only in memory across a
 * commit would be lost by a crash. So when a batch starts, where it starts on the samples topic
 * ({@link BatchStart}: topic, partition, offset) is written to the changelogged {@code
 * inference-buffer} store in the same transaction as that first offset, and deleted in the
 * transaction that publishes the batch's embeddings: one small record and one tombstone per batch.
 * After a crash or a move to another instance, the samples from that offset up to the committed
 * position are read back from the samples topic itself ({@link SampleReplay}, read_committed) and
 * embedded; records among them that were rejected are skipped (they were dead-lettered when they
 * first came). A store written by the release before, which held a copy of each waiting sample, is
 * still read and embedded. With {@code inference.batch.size=1} nothing waits (what a run of a
 * larger size left in the store is embedded first): each sample is embedded as it arrives.
 *
 * <p>A batch is released when {@code inference.batch.size} samples wait, and by a wall-clock
 * punctuator every {@code inference.batch.linger.ms}. Invalid samples go to the dead-letter topic
 * at once, with their reason and original bytes; they never reach the model.
 */
final class EmbedSamplesProcessor extends ContextualProcessor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(EmbedSamplesProcessor.class);

    /**
     * Header of an item record: the versions its sample was embedded with here, comma-separated, so
     * that the backfill embeds it again only with a version it lacks.
     */
    static final String EMBEDDED_VERSIONS_HEADER = "vicreg.embedded.versions";

    private final FeatureEventParser<SampleEvent> parser;
    private final String modelName;
    private final ModelWeightsCache weights;
    private final DeviceChoice device;
    private final VersionSettings versions;
    private final int batchSize;
    private final long lingerMs;
    private final Nodes nodes;
    private final Serializer<SampleEvent> sampleSerializer;
    private final WaitingSamples.ReplayOpener replays;
    private final List<PendingSample> pending = new ArrayList<>();

    /** The store keys of waiting samples copied into the buffer by the release before. */
    private final List<Long> legacyKeys = new ArrayList<>();

    /** Whether the store holds the {@link BatchStart} of the waiting samples. */
    private boolean batchStarted;

    private KeyValueStore<Long, byte[]> buffer;

    /** With a batch size of 1, the punctuation that embeds what a larger one left waiting. */
    private Cancellable leftWaiting;

    private ServedModels models;
    private DeadLetters deadLetters;

    /**
     * The node and store names inference uses in the topology, given by {@code LearnerTopology}.
     *
     * @param name this node, for its dead-letter metrics
     * @param latestModelStore the global store of the latest checkpoint
     * @param bufferStore the store of waiting samples (with a batch size of 1, read at start only:
     *     a run of a larger one may have left samples there)
     * @param embeddingsSink where embeddings go
     * @param deadLettersSink where rejected samples go
     * @param itemsSink where valid samples go as items, with model versions on
     * @param pairsSink where valid samples go for the trainer to train on ({@code
     *     train.source=samples}); null when they do not
     */
    record Nodes(
            String name,
            String latestModelStore,
            String bufferStore,
            String embeddingsSink,
            String deadLettersSink,
            String itemsSink,
            String pairsSink) {

        /** The same nodes, with valid samples sent to the trainer through {@code pairsSink}. */
        Nodes trainingOn(String pairsSink) {
            return new Nodes(
                    name,
                    latestModelStore,
                    bufferStore,
                    embeddingsSink,
                    deadLettersSink,
                    itemsSink,
                    pairsSink);
        }
    }

    /**
     * @param parser parses a sample
     * @param settings the model's name, device and batching
     * @param weights the decoded weights shared with the global thread
     * @param nodes its node and store names
     */
    EmbedSamplesProcessor(
            FeatureEventParser<SampleEvent> parser,
            InferenceSettings settings,
            ModelWeightsCache weights,
            Nodes nodes) {
        this(
                parser,
                settings,
                weights,
                nodes,
                (appConfigs, start) ->
                        new KafkaSampleReplay(appConfigs, start.topic(), start.partition()));
    }

    /**
     * @param replays opens the replay of the samples topic after a restart
     */
    EmbedSamplesProcessor(
            FeatureEventParser<SampleEvent> parser,
            InferenceSettings settings,
            ModelWeightsCache weights,
            Nodes nodes,
            WaitingSamples.ReplayOpener replays) {
        this.parser = parser;
        this.replays = replays;
        this.modelName = settings.modelName();
        this.weights = weights;
        this.device = settings.device();
        this.versions = settings.versions();
        this.batchSize = settings.batchSize();
        this.lingerMs = settings.lingerMs();
        this.nodes = nodes;
        this.sampleSerializer =
                EventSerdes.sampleEvents(parser, FeatureEncoding.FLOAT32_BASE64).serializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        // Stream threads start with autograd recording on: inference would record graphs.
        Djl.disableGradientsOnThisThread();
        deadLetters = new DeadLetters(context, nodes.name(), nodes.deadLettersSink());
        KeyValueStore<String, byte[]> latestModel = context.getStateStore(nodes.latestModelStore());
        models = new ServedModels(modelName, weights, device, versions, latestModel);
        // Built now, not at the first sample: the task is ready (and logs its model) as it starts.
        models.current();
        buffer = context.getStateStore(nodes.bufferStore());
        readBuffer();
        if (batchSize > 1) {
            context.schedule(
                    Duration.ofMillis(lingerMs), PunctuationType.WALL_CLOCK_TIME, t -> flush());
        } else if (!pending.isEmpty() || batchStarted || !legacyKeys.isEmpty()) {
            // Left by a run of a larger inference.batch.size: embedded at the first punctuation
            // (or before the next sample), then the store stays empty.
            leftWaiting =
                    context.schedule(
                            Duration.ofMillis(lingerMs),
                            PunctuationType.WALL_CLOCK_TIME,
                            t -> {
                                flush();
                                leftWaiting.cancel();
                            });
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Parsed<SampleEvent> parsed = parser.parse(record.key(), record.value());
        if (parsed instanceof Parsed.Rejected<SampleEvent> rejected) {
            deadLetters.reject(record, rejected.reason(), rejected.detail());
            return;
        }
        if (nodes.pairsSink() != null) {
            SampleEvent event = parsed.value();
            context()
                    .forward(
                            new Record<Object, Object>(
                                    event.id(),
                                    TrainingPair.sample(
                                            event.id(),
                                            record.timestamp(),
                                            event.metadata(),
                                            event.features()),
                                    record.timestamp()),
                            nodes.pairsSink());
        }
        PendingSample sample = PendingSample.of(parsed.value(), context(), record);
        if (batchSize == 1) {
            flush(); // what a run of a larger batch size left waiting, if anything
            embed(List.of(sample));
            return;
        }
        if (!batchStarted) {
            startBatch(sample);
        }
        pending.add(sample);
        if (pending.size() >= batchSize) {
            flush();
        }
    }

    /**
     * Writes where the batch that {@code first} opens starts, in the transaction of its offset.
     *
     * @throws IllegalStateException if the record's topic or offset is unknown (never from a source
     *     topic)
     */
    private void startBatch(PendingSample first) {
        if (first.topic() == null || first.partition() < 0 || first.offset() < 0) {
            throw new IllegalStateException(
                    "A buffered sample needs its record's topic, partition and offset (the samples"
                            + " topic is its journal). Got: "
                            + first.topic()
                            + "-"
                            + first.partition()
                            + "@"
                            + first.offset());
        }
        BatchStart start =
                new BatchStart(
                        first.topic(), first.partition(), first.offset(), first.recordTimestamp());
        buffer.put(BatchStart.KEY, start.encode());
        batchStarted = true;
    }

    /** Embeds every waiting sample, in batches of at most {@code inference.batch.size}. */
    private void flush() {
        if (pending.isEmpty() && !batchStarted && legacyKeys.isEmpty()) {
            return;
        }
        int from = 0;
        while (from < pending.size()) {
            int to = Math.min(from + batchSize, pending.size());
            embed(pending.subList(from, to));
            from = to;
        }
        for (long key : legacyKeys) {
            buffer.delete(key);
        }
        legacyKeys.clear();
        if (batchStarted) {
            buffer.delete(BatchStart.KEY);
            batchStarted = false;
        }
        pending.clear();
    }

    private void embed(List<PendingSample> batch) {
        float[][] features = PendingSample.features(batch);
        List<ServedModels.Served> served = models.current();
        StringBuilder embeddedWith = new StringBuilder();
        boolean[] deadLettered = new boolean[batch.size()];
        for (ServedModels.Served model : served) {
            publish(batch, model, model.embed(features), deadLettered);
            if (model.version() != null) {
                embeddedWith.append(embeddedWith.isEmpty() ? "" : ",").append(model.version());
            }
        }
        if (versions.enabled()) {
            byte[] header = embeddedWith.toString().getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < batch.size(); i++) {
                if (deadLettered[i]) {
                    // Not an item: a version's complete count must not wait for an embedding that
                    // never comes (the header would tell the backfill it was embedded).
                    continue;
                }
                PendingSample sample = batch.get(i);
                SampleEvent event = sample.event();
                Record<Object, Object> item =
                        new Record<Object, Object>(event.id(), event, sample.recordTimestamp());
                item.headers().add(EMBEDDED_VERSIONS_HEADER, header);
                context().forward(item, nodes.itemsSink());
            }
        }
    }

    /** Publishes a model's embeddings; marks in {@code deadLettered} the samples it could not. */
    private void publish(
            List<PendingSample> batch,
            ServedModels.Served model,
            float[][] embeddings,
            boolean[] deadLettered) {
        for (int i = 0; i < batch.size(); i++) {
            PendingSample sample = batch.get(i);
            SampleEvent event = sample.event();
            if (!Finite.all(embeddings[i])) {
                deadLettered[i] = true;
                deadLetters.send(
                        sample.asSourceRecord(sampleSerializer),
                        Reason.NON_FINITE_EMBEDDING,
                        "the model of step "
                                + model.model().step()
                                + " gave a non-finite representation for id "
                                + event.id());
                continue;
            }
            context()
                    .forward(
                            new Record<Object, Object>(
                                    event.id(),
                                    sample.embedding(
                                            embeddings[i], model.model().step(), model.version()),
                                    sample.recordTimestamp()),
                            nodes.embeddingsSink());
        }
    }

    /** Reads back the samples that waited when the task last stopped (or crashed). */
    private void readBuffer() {
        WaitingSamples waiting =
                WaitingSamples.read(buffer, parser, replays, context().appConfigs());
        pending.clear();
        pending.addAll(waiting.samples());
        legacyKeys.clear();
        legacyKeys.addAll(waiting.legacyKeys());
        batchStarted = waiting.start() != null;
        if (!pending.isEmpty() || batchStarted) {
            log.info(
                    "Samples waiting for inference since the last run: task=[{}] copied=[{}]"
                            + " replayed=[{}] rejectedSkipped=[{}] from=[{}]",
                    context().taskId(),
                    legacyKeys.size(),
                    pending.size() - legacyKeys.size(),
                    waiting.skipped(),
                    waiting.start());
        }
    }

    @Override
    public void close() {
        // The batch start stays in the changelogged buffer; the next owner of the task reads the
        // waiting samples back from the samples topic and embeds them.
        if (models != null) {
            models.close();
            models = null;
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
