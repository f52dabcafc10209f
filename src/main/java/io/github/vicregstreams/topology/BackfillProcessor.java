package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.Reason;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.vicreg.Djl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the items (the latest sample per id, from the one-partition items topic) and, when the
 * trainer promotes a model version, embeds every item again with it: the backfill.
 *
 * <p>The backfill walks the items store in key order, a batch at a time on a wall-clock punctuator,
 * and saves where it stands ({@link BackfillState}) in the same transaction as the embeddings it
 * published, so a crash resumes after the last committed item: none repeated, none skipped. An item
 * that arrives during a backfill is in the walk if its key is still ahead; if its key is behind, or
 * after the backfill, it is embedded at once with the current version, unless inference already did
 * (the item record's {@value EmbedSamplesProcessor#EMBEDDED_VERSIONS_HEADER} header). When the walk
 * ends the version is complete: a {@code complete} event with the item count on the model-versions
 * topic, the served version's number on the model topic (inference then embeds with it alone), and
 * the previous version's records retired (tombstones), all in one transaction.
 *
 * <p>With {@code model.version.align=procrustes}, a backfill first fits a rotation of the new
 * version onto the served version's space on the first {@code model.version.align.reference.items}
 * items and publishes it on the model topic before any embedding of the new version; every
 * embedding of that version is then rotated, here and in inference.
 */
final class BackfillProcessor extends ContextualProcessor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(BackfillProcessor.class);

    /** Items per forward pass of the backfill: large batches are cheapest per item. */
    static final int BATCH = 256;

    /** How often the punctuator walks on, and for how long at most each time. */
    private static final Duration INTERVAL = Duration.ofMillis(10);

    /** Long enough to embed many batches, short enough to keep commits and polls going. */
    static final Duration BUDGET = Duration.ofMillis(100);

    /** The node and store names, given by {@code VersionTopology}. */
    record Nodes(
            String name,
            String latestModelStore,
            String itemsStore,
            String stateStore,
            String embeddingsSink,
            String modelSink,
            String versionsSink,
            String deadLettersSink) {}

    private final FeatureEventParser<SampleEvent> parser;
    private final Serializer<SampleEvent> sampleSerializer;
    private final InferenceSettings settings;
    private final ModelWeightsCache weights;
    private final Nodes nodes;
    private final long budgetNanos;
    private KeyValueStore<String, byte[]> latestModel;
    private KeyValueStore<String, PendingSample> items;
    private KeyValueStore<String, byte[]> stateStore;
    private BackfillState state;
    private DeadLetters deadLetters;
    private BackfillSensors sensors;
    private VersionModels models;
    private BackfillAnnouncer announcer;

    /** The running backfill's rotation, or null: fitted as it starts, or read back on restart. */
    private OrthogonalProcrustes runningRotation;

    BackfillProcessor(
            FeatureEventParser<SampleEvent> parser,
            InferenceSettings settings,
            ModelWeightsCache weights,
            Nodes nodes) {
        this(parser, settings, weights, nodes, BUDGET);
    }

    /**
     * A backfill that walks for at most {@code budget} per punctuation, and always at least one
     * batch.
     */
    BackfillProcessor(
            FeatureEventParser<SampleEvent> parser,
            InferenceSettings settings,
            ModelWeightsCache weights,
            Nodes nodes,
            Duration budget) {
        this.parser = parser;
        this.sampleSerializer =
                EventSerdes.sampleEvents(parser, FeatureEncoding.FLOAT32_BASE64).serializer();
        this.settings = settings;
        this.weights = weights;
        this.nodes = nodes;
        this.budgetNanos = budget.toNanos();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        Djl.disableGradientsOnThisThread();
        latestModel = context.getStateStore(nodes.latestModelStore());
        items = context.getStateStore(nodes.itemsStore());
        stateStore = context.getStateStore(nodes.stateStore());
        deadLetters = new DeadLetters(context, nodes.name(), nodes.deadLettersSink());
        sensors = new BackfillSensors(context.metrics(), context.taskId().toString());
        models = new VersionModels(settings.modelName(), weights, settings.device(), latestModel);
        announcer = new BackfillAnnouncer(context, settings.modelName(), nodes, latestModel);
        state = withoutVersionsNotStored(BackfillState.decode(stateStore.get(BackfillState.KEY)));
        if (state.running() > 0) {
            // Published in the transaction that started the backfill; global stores are read up
            // to the end of their topic before any stream thread starts.
            runningRotation = models.storedAlignment(state.running());
            log.info(
                    "Resuming the backfill: version=[{}] embedded=[{}] items=[{}]",
                    state.running(),
                    state.embedded(),
                    state.items());
        }
        sensors.record(state);
        context.schedule(INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> walk());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            deadLetters.reject(record, Reason.WRONG_SHAPE, "an item needs its id as the key");
            return;
        }
        String id = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            if (items.delete(id) != null) {
                save(state.withItems(state.items() - 1));
            }
            return;
        }
        Parsed<SampleEvent> parsed = parser.parse(record.key(), record.value());
        if (parsed instanceof Parsed.Rejected<SampleEvent> rejected) {
            deadLetters.reject(record, rejected.reason(), rejected.detail());
            return;
        }
        PendingSample item = PendingSample.of(parsed.value(), context(), record);
        boolean added = items.get(id) == null;
        items.put(id, item);
        if (added) {
            save(state.withItems(state.items() + 1));
        }
        long current = state.current();
        boolean walkedPast = state.running() == 0 || !aheadOfWalk(id);
        if (current > 0 && walkedPast && !embeddedWith(record.headers(), current)) {
            embed(List.of(item), current);
        }
    }

    /** Whether the walk of the running backfill has yet to reach this key. */
    private boolean aheadOfWalk(String id) {
        return state.lastKey() == null || compareKeys(id, state.lastKey()) > 0;
    }

    /** The store's order: RocksDB compares the keys' UTF-8 bytes, unsigned. */
    private static int compareKeys(String a, String b) {
        return Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean embeddedWith(Headers headers, long version) {
        Header header = headers.lastHeader(EmbedSamplesProcessor.EMBEDDED_VERSIONS_HEADER);
        if (header == null) {
            return false;
        }
        String wanted = Long.toString(version);
        for (String done : new String(header.value(), StandardCharsets.US_ASCII).split(",")) {
            if (done.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Starts a backfill when a version is waiting for one, and walks on for a while. */
    private void walk() {
        if (state.running() == 0) {
            ModelVersions versions =
                    ModelVersions.decode(
                            latestModel.get(VersionedModelKeys.summary(settings.modelName())));
            if (versions.latest() > state.done() && models.holds(versions.latest())) {
                start(versions);
            }
        }
        long deadline = System.nanoTime() + budgetNanos;
        while (state.running() > 0) {
            List<PendingSample> batch = nextBatch();
            if (batch.isEmpty()) {
                complete();
                return;
            }
            embed(batch, state.running());
            save(state.advanced(batch.get(batch.size() - 1).event().id(), batch.size()));
            sensors.embedded(batch.size());
            if (batch.size() < BATCH) {
                // A short batch is the end of the walk: complete now, not a punctuation later
                // (when the budget ran out on this batch, a slow machine would wait for nothing).
                complete();
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                return;
            }
        }
    }

    private void start(ModelVersions versions) {
        long version = versions.latest();
        runningRotation =
                settings.versions().align() && state.done() > 0
                        ? models.fitAlignment(
                                version, state.done(), PendingSample.features(referenceItems()))
                        : null;
        if (runningRotation != null) {
            announcer.alignment(version, runningRotation);
        }
        save(state.started(version, versions.latestStep(), versions.latestCheckpointId()));
        log.info(
                "Backfill started: model=[{}] version=[{}] items=[{}] aligned=[{}]",
                settings.modelName(),
                version,
                state.items(),
                runningRotation != null);
    }

    /** The items a version's alignment is fitted on: the first, in key order. */
    private List<PendingSample> referenceItems() {
        List<PendingSample> reference = new ArrayList<>();
        try (KeyValueIterator<String, PendingSample> it = items.all()) {
            while (it.hasNext() && reference.size() < settings.versions().alignReferenceItems()) {
                reference.add(it.next().value);
            }
        }
        return reference;
    }

    private List<PendingSample> nextBatch() {
        List<PendingSample> batch = new ArrayList<>(BATCH);
        String after = state.lastKey();
        try (KeyValueIterator<String, PendingSample> it =
                after == null ? items.all() : items.range(after, null)) {
            while (it.hasNext() && batch.size() < BATCH) {
                KeyValue<String, PendingSample> entry = it.next();
                if (after != null && entry.key.equals(after)) {
                    continue; // range() includes its lower bound: embedded last time
                }
                batch.add(entry.value);
            }
        }
        return batch;
    }

    /** Embeds items with a version and publishes the embeddings, stamped with it. */
    private void embed(List<PendingSample> batch, long version) {
        // The running version's rotation is the one it fitted (the global store may not have it
        // yet); the served one's is on the model topic.
        OrthogonalProcrustes rotation =
                version == state.running() ? runningRotation : models.storedAlignment(version);
        VersionModels.Embedded embedded =
                models.embed(version, rotation, PendingSample.features(batch));
        float[][] embeddings = embedded.embeddings();
        for (int i = 0; i < batch.size(); i++) {
            PendingSample item = batch.get(i);
            SampleEvent event = item.event();
            if (!Finite.all(embeddings[i])) {
                drop(item, version);
                continue;
            }
            context()
                    .forward(
                            new Record<Object, Object>(
                                    event.id(),
                                    item.embedding(embeddings[i], embedded.step(), version),
                                    context().currentSystemTimeMs()),
                            nodes.embeddingsSink());
        }
    }

    /**
     * Takes out an item the version cannot embed (a non-finite representation) and dead-letters it:
     * the complete event's count is of items that have an embedding of the version, so one that
     * never gets one would keep consumers from ever swapping to it.
     */
    private void drop(PendingSample item, long version) {
        String id = item.event().id();
        if (items.delete(id) != null) {
            save(state.withItems(state.items() - 1));
        }
        deadLetters.send(
                item.asSourceRecord(sampleSerializer),
                Reason.NON_FINITE_EMBEDDING,
                "model version "
                        + version
                        + " gave a non-finite representation for item "
                        + id
                        + "; the item is taken out of the items store");
    }

    /** The version is whole: announce it, serve it, retire the one before. */
    private void complete() {
        announcer.complete(state);
        log.info(
                "Backfill complete: model=[{}] version=[{}] items=[{}] embedded=[{}]",
                settings.modelName(),
                state.running(),
                state.items(),
                state.embedded());
        save(state.completed());
        runningRotation = null;
    }

    /**
     * The stored state, less the versions the global store does not hold: the model topic was
     * renamed or created again, refuses their checkpoints now (a signing key set since), or the
     * state is another cluster's. Embedding with them would fail, at every start.
     */
    private BackfillState withoutVersionsNotStored(BackfillState stored) {
        boolean runningGone = stored.running() > 0 && !models.holds(stored.running());
        boolean doneGone = stored.done() > 0 && !models.holds(stored.done());
        if (!runningGone && !doneGone) {
            return stored;
        }
        log.error(
                "The backfill state names model versions the model topic does not hold (renamed or"
                        + " created again, its checkpoints refused by checkpoint.signing.key, or a"
                        + " state.dir of another cluster): running=[{}] served=[{}] missing=[{}]."
                        + " Forgotten: the next version promoted is backfilled to every item",
                stored.running(),
                stored.done(),
                runningGone && doneGone ? "both" : runningGone ? "running" : "served");
        save(stored.forgetting(runningGone, doneGone));
        return state;
    }

    private void save(BackfillState next) {
        state = next;
        stateStore.put(BackfillState.KEY, next.encode());
        sensors.record(next);
    }

    @Override
    public void close() {
        if (models != null) {
            models.close();
        }
        if (sensors != null) {
            sensors.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
