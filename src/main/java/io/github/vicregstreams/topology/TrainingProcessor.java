package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.events.Reason;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.StepResult;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single trainer: gathers pairs into mini-batches, runs one VICReg step per batch, publishes an
 * embedding per pair and a metrics event per step, and checkpoints.
 *
 * <p>The pairs topic is the trainer's journal: a {@link TrainerCursor} in the trainer-state store
 * says which of its offsets the checkpoint covers and which batches were trained since, and is
 * saved in the same transaction as those batches' outputs and the consumer offsets. The checkpoint
 * therefore never has to be written at every commit, and no copy of a pair is kept: after a crash,
 * the trainer restores the last checkpoint, reads the pairs since then back from the pairs topic
 * (committed records only, in offset order), trains the same batches again — reaching the weights
 * it had when the last transaction committed, without publishing their embeddings a second time —
 * and takes the pairs after them, up to the committed position, as waiting. Nothing is lost or
 * trained twice. Waiting pairs live in memory: the committed position is past them, and the topic
 * holds them.
 *
 * <p>A batch is released when {@code train.batch.size} pairs wait, when the first waiting pair is
 * {@code train.batch.window.ms} old in stream time (checked as pairs arrive), or when no pair has
 * arrived for {@code train.batch.window.ms} of wall-clock time (checked by a punctuator, for idle
 * streams); never with fewer than 2 pairs. While pairs keep arriving, as from a backlog, the wall
 * clock releases nothing: a batch cut short by slow commits would train on fewer pairs, and the
 * variance and covariance terms are estimated from the batch.
 */
final class TrainingProcessor extends ContextualProcessor<String, TrainingPair, Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(TrainingProcessor.class);

    static final String CURSOR_KEY = "cursor";

    private static final long MAX_WALL_CLOCK_CHECK_MS = 1_000;

    private final LearnerConfig config;
    private final Serializer<ViewEvent> viewSerializer;
    private final CheckpointSignature signature;
    private final Function<Map<String, Object>, PairsTopicReader> readers;
    private KeyValueStore<String, byte[]> state;
    private VicregTrainer trainer;
    private TrainerCursor cursor;

    /** Pairs delivered and not yet trained, in offset order, with their offsets. */
    private final ArrayDeque<PairsTopicReader.OffsetPair> pending = new ArrayDeque<>();

    /**
     * Offsets below this were delivered already (read back on restart): delivered again, skipped.
     */
    private long deliveredUpTo = -1;

    private long lastStepEndNanos = -1;
    private long lastArrivalWallClock;

    private DeadLetterCounter deadLetters;
    private TrainerMetrics trainerMetrics;

    /**
     * A trainer.
     *
     * @param config the learner's configuration
     * @param readers opens a reader of the pairs topic from the application's Kafka Streams
     *     configuration, for the replay after a restart
     */
    TrainingProcessor(
            LearnerConfig config, Function<Map<String, Object>, PairsTopicReader> readers) {
        this.config = config;
        this.readers = readers;
        this.signature = config.checkpointSignature();
        this.viewSerializer =
                EventSerdes.viewEvents(
                                FeatureEventParser.views(config.modelSpec().encoderDim()),
                                FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        // Stream threads start with autograd recording on; the training step turns it on for
        // itself.
        Djl.disableGradientsOnThisThread();
        deadLetters = new DeadLetterCounter(context, LearnerTopology.TRAIN);
        trainerMetrics = new TrainerMetrics(context, config.collapseThresholds());
        state = context.getStateStore(LearnerTopology.TRAINER_STATE_STORE);
        // Kafka Streams may initialise a processor again after closing it (a revived task): what
        // waited in memory then is read back from the topic like after any restart.
        pending.clear();
        deliveredUpTo = -1;
        byte[] savedCursor = state.get(CURSOR_KEY);
        cursor = savedCursor == null ? TrainerCursor.EMPTY : TrainerCursor.decode(savedCursor);
        trainer = restoreOrCreateTrainer();
        if (savedCursor != null && !cursor.knowsOffsets()) {
            log.warn(
                    "The trainer state was written by a release that kept a journal of pair copies: the"
                            + " batches trained after its checkpoint (step [{}]) are not replayed; training"
                            + " continues from the checkpoint with the next pair",
                    cursor.checkpointStep());
        }
        if (cursor.knowsOffsets()) {
            replayPairsTopic();
        }
        lastArrivalWallClock = context.currentSystemTimeMs();
        long interval = Math.max(1, Math.min(config.batchWindowMs(), MAX_WALL_CLOCK_CHECK_MS));
        context.schedule(
                Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::releaseIfIdle);
    }

    @Override
    public void process(Record<String, TrainingPair> record) {
        publishCheckpointIfBehind();
        long offset = context().recordMetadata().orElseThrow().offset();
        if (offset < deliveredUpTo) {
            return; // read back from the topic at start-up, and waiting already
        }
        deliveredUpTo = offset + 1;
        if (!cursor.knowsOffsets()) {
            // The first pair of a new trainer: from here on the topic is its journal.
            cursor = cursor.startingAt(offset);
            saveCursor();
        }
        pending.addLast(new PairsTopicReader.OffsetPair(offset, record.value()));
        lastArrivalWallClock = context().currentSystemTimeMs();
        while (pending.size() >= config.batchSize()) {
            train(config.batchSize());
        }
        if (pending.size() >= 2
                && record.timestamp() - pending.peekFirst().pair().timestamp()
                        >= config.batchWindowMs()) {
            train(pending.size());
        }
    }

    private void releaseIfIdle(long now) {
        publishCheckpointIfBehind();
        if (pending.size() >= 2 && now - lastArrivalWallClock >= config.batchWindowMs()) {
            train(pending.size());
        }
        // A stream that stops between checkpoints would leave its last steps out of the model topic
        // until the next record; once no pair has come for a while, checkpoint them.
        if (!cursor.batches().isEmpty()
                && pending.size() < 2
                && now - lastArrivalWallClock >= config.checkpointIdleMs()) {
            publishCheckpoint(checkpoint());
            saveCursor();
        }
    }

    /**
     * Trains the next {@code count} waiting pairs, publishes what the step produced, and saves the
     * cursor with it.
     */
    private void train(int count) {
        List<TrainingPair> batch = new ArrayList<>(count);
        long lastOffset = -1;
        long batchTime = 0;
        for (int i = 0; i < count; i++) {
            PairsTopicReader.OffsetPair next = pending.removeFirst();
            batch.add(next.pair());
            lastOffset = next.offset();
            batchTime = Math.max(batchTime, next.pair().timestamp());
        }
        StepResult result = step(batch);
        publishEmbeddings(batch, result);
        publishMetrics(result, batchTime);
        cursor = cursor.withBatchTrained(lastOffset, count);
        if (result.applied() && result.step() % config.checkpointIntervalSteps() == 0) {
            publishCheckpoint(checkpoint());
        }
        saveCursor();
    }

    private StepResult step(List<TrainingPair> batch) {
        float[][] view0 = new float[batch.size()][];
        float[][] view1 = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            view0[i] = batch.get(i).view0();
            view1[i] = batch.get(i).view1();
        }
        return trainer.step(view0, view1);
    }

    private void publishEmbeddings(List<TrainingPair> batch, StepResult result) {
        EmbeddingSource source = config.embeddingSource();
        for (int i = 0; i < batch.size(); i++) {
            TrainingPair pair = batch.get(i);
            float[] embedding =
                    source.of(result.representations1()[i], result.representations2()[i]);
            if (!Finite.all(embedding)) {
                deadLetters.record(Reason.NON_FINITE_EMBEDDING);
                context()
                        .forward(
                                new Record<Object, Object>(
                                        pair.id().getBytes(StandardCharsets.UTF_8),
                                        nonFiniteEmbedding(pair, result.representationStep()),
                                        pair.timestamp()),
                                LearnerTopology.TRAIN_DEAD_LETTERS_SINK);
                continue;
            }
            context()
                    .forward(
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
                            LearnerTopology.EMBEDDINGS_SINK);
        }
    }

    /** The pair's views, as the two ViewEvent JSON lines they were, in the exact float32 form. */
    private DeadLetter nonFiniteEmbedding(TrainingPair pair, long modelStep) {
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
        return DeadLetter.of(
                Reason.NON_FINITE_EMBEDDING,
                "the model of step "
                        + modelStep
                        + " gave a non-finite representation for id "
                        + pair.id(),
                config.topics().pairs(),
                DeadLetter.UNKNOWN,
                DeadLetter.UNKNOWN,
                pair.timestamp(),
                pair.id().getBytes(StandardCharsets.UTF_8),
                views.toByteArray());
    }

    private void publishMetrics(StepResult result, long batchTime) {
        long now = System.nanoTime();
        double seconds = lastStepEndNanos < 0 ? Double.NaN : (now - lastStepEndNanos) / 1e9;
        lastStepEndNanos = now;
        MetricsEvent metrics =
                new MetricsEvent(
                        result.step(),
                        context().currentSystemTimeMs(),
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
        context()
                .forward(
                        new Record<Object, Object>(config.modelName(), metrics, batchTime),
                        LearnerTopology.METRICS_SINK);
    }

    /**
     * Saves the trainer to its store; the cursor then covers every pair trained.
     *
     * @return the checkpoint saved
     */
    private byte[] checkpoint() {
        byte[] checkpoint = trainer.checkpoint();
        StoredCheckpoint.put(state, checkpoint);
        trainerMetrics.recordCheckpoint(trainer.step(), context().currentSystemTimeMs());
        cursor = cursor.withCheckpoint(trainer.step());
        return checkpoint;
    }

    /**
     * Publishes the stored checkpoint, stamped with the wall-clock time it is published at: its age
     * on the model topic (and in the monitor) is then how long ago the model was saved, not how old
     * the pairs it last trained were, which for a backlog can be days.
     */
    private void publishCheckpoint(byte[] checkpoint) {
        long timestamp = context().currentSystemTimeMs();
        long step = cursor.checkpointStep();
        Headers headers = CheckpointHeaders.of(step, trainer.spec().toString());
        signature.sign(checkpoint, headers);
        // Chunks, then their manifest, in this task's transaction: readers see all or none.
        for (CheckpointChunks.Part part :
                CheckpointChunks.split(config.modelName(), checkpoint, headers)) {
            context()
                    .forward(
                            new Record<Object, Object>(
                                    part.key(), part.value(), timestamp, part.headers()),
                            LearnerTopology.MODEL_SINK);
        }
        cursor = cursor.withPublished(step);
    }

    /**
     * A checkpoint written while closing could not be sent then (a closing processor cannot
     * forward); send it with the first record or punctuation after the restart.
     */
    private void publishCheckpointIfBehind() {
        if (cursor.checkpointStep() > cursor.publishedStep()) {
            publishCheckpoint(StoredCheckpoint.get(state));
            saveCursor();
        }
    }

    private VicregTrainer restoreOrCreateTrainer() {
        byte[] checkpoint = StoredCheckpoint.get(state);
        TrainerConfig wanted = config.trainerConfig();
        String from = "its checkpoint";
        if (checkpoint == null) {
            // An empty store (a new state directory and changelog, as after an application reset)
            // must not throw the model away: the global store holds the latest checkpoint of the
            // model
            // topic that passed every check.
            KeyValueStore<String, byte[]> published =
                    context().getStateStore(LearnerTopology.LATEST_MODEL_STORE);
            checkpoint = published.get(config.modelName());
            from = "the model topic";
        }
        if (checkpoint == null) {
            log.info("No checkpoint in the store: starting a new model, seed=[{}]", wanted.seed());
            return VicregTrainer.create(wanted, config.device());
        }
        VicregTrainer restored = VicregTrainer.restore(checkpoint, wanted.spec(), config.device());
        if (!restored.config().equals(wanted)) {
            log.warn(
                    "The checkpoint was trained with other settings; training continues with the"
                            + " checkpoint's: checkpoint=[{}] configured=[{}]",
                    restored.config(),
                    wanted);
        }
        log.info("Restored the model from {}: step=[{}]", from, restored.step());
        return restored;
    }

    /**
     * Reads the pairs since the checkpoint back from the pairs topic, trains again the batches the
     * cursor lists (publishing nothing), and takes the rest, up to the committed position, as
     * waiting. Pairs that retention has deleted cannot be trained again: the batches from the first
     * incomplete one on are skipped with an error, and training goes on.
     */
    private void replayPairsTopic() {
        try (PairsTopicReader reader = readers.apply(context().appConfigs())) {
            long from = cursor.checkpointedUpTo();
            long committed = Math.max(reader.committedPosition(), cursor.trainedUpTo());
            long start = reader.startOffset();
            if (start > from) {
                log.error(
                        "The pairs topic no longer holds the pairs after the checkpoint (retention deleted"
                                + " offsets [{}, {})): the batches trained from them after step [{}] are lost",
                        from,
                        start,
                        trainer.step());
            }
            ArrayDeque<PairsTopicReader.OffsetPair> read =
                    new ArrayDeque<>(reader.read(Math.max(from, start), committed));
            int replayed = 0;
            for (TrainerCursor.Batch batch : cursor.batches()) {
                List<TrainingPair> pairs = new ArrayList<>(batch.size());
                while (!read.isEmpty() && read.peekFirst().offset() < batch.end()) {
                    pairs.add(read.removeFirst().pair());
                }
                if (pairs.size() != batch.size()) {
                    log.error(
                            "The pairs topic misses pairs of a trained batch: expected [{}] before offset [{}],"
                                    + " found [{}]; training goes on from step [{}] without replaying the rest",
                            batch.size(),
                            batch.end(),
                            pairs.size(),
                            trainer.step());
                    read.removeIf(p -> p.offset() < cursor.trainedUpTo());
                    break;
                }
                step(pairs);
                replayed++;
            }
            pending.addAll(read);
            deliveredUpTo = committed;
            if (replayed > 0 || !pending.isEmpty()) {
                log.info(
                        "Replayed the pairs topic from offset [{}]: batches=[{}] step=[{}] waiting=[{}]",
                        from,
                        replayed,
                        trainer.step(),
                        pending.size());
            }
        }
    }

    /** The trainer, for tests that compare weights. */
    VicregTrainer trainer() {
        return trainer;
    }

    private void saveCursor() {
        state.put(CURSOR_KEY, cursor.encode());
    }

    @Override
    public void close() {
        if (trainer == null) {
            return;
        }
        try {
            if (!cursor.batches().isEmpty()) {
                checkpoint();
                saveCursor();
                log.info("Checkpointed on close: step=[{}]", trainer.step());
            }
        } catch (RuntimeException e) {
            // The pairs topic still holds every batch since the last checkpoint: nothing is lost.
            log.warn(
                    "Could not checkpoint on close; the pairs topic will be replayed on restart",
                    e);
        } finally {
            trainer.close();
            trainer = null;
            deadLetters.close();
            trainerMetrics.close();
        }
    }
}
