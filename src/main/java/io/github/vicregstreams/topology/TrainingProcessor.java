package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.StepResult;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.Cancellable;
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
 * <p>The pairs topic (or, with {@code train.source=pair-events}, the pair-events topic) is the
 * trainer's journal ({@link TrainerJournal}): a {@link TrainerCursor} in the trainer-state store
 * says which of its offsets the checkpoint covers and which batches were trained since, and is
 * saved in the same transaction as those batches' outputs and the consumer offsets. The checkpoint
 * therefore never has to be written at every commit, and no copy of a pair is kept: after a crash,
 * the trainer restores the last checkpoint, reads the pairs since then back from that topic
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
 * variance and covariance terms are estimated from the batch. Nor does a stall of this thread (a
 * checkpoint with its replay buffer, a slow commit) count as quiet ({@link QuietInput}): pairs may
 * be waiting unread behind it.
 *
 * <p>Steps run on a thread of their own ({@link TrainerStepThread}, {@code train.step.thread}), one
 * at a time, while this stream thread goes on reading and committing; a step's outputs and the
 * cursor that lists its batch are published here, together, once it has ended. A commit while it
 * runs leaves its batch out of the cursor: after a crash its pairs are read back as waiting.
 *
 * <p>With {@code train.replay.capacity} set, each batch is followed by replay steps on pairs drawn
 * from a bounded buffer ({@link TrainerReplay}), saved with every checkpoint so that the journal's
 * batches trained again after a restart take the same replay steps. They publish nothing.
 */
final class TrainingProcessor extends ContextualProcessor<String, TrainingPair, Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(TrainingProcessor.class);

    private static final Duration FINISHED_STEP_CHECK = Duration.ofMillis(20);

    private final TrainerSettings settings;
    private final TrainerNodes nodes;
    private final TrainerFlush flush;
    private final Function<Map<String, Object>, PairsTopicReader> readers;
    private final TopicIds topicIds;
    private final TrainerViews trainerViews;
    private final Function<String, TrainerStepThread> stepThreads;
    private VicregTrainer trainer;
    private TrainerStepThread steps;

    /** The punctuator that publishes the step in flight once it ends; null when none is. */
    private Cancellable finishedStepCheck;

    private TrainerJournal journal;
    private TrainerCheckpoints checkpoints;
    private TrainerVersions versions;
    private TrainerReplay replay;

    /**
     * Whether init() finished: a trainer whose journal replay failed holds only part of the listed
     * batches, and close() must not checkpoint it as if it held them all.
     */
    private boolean initialised;

    /** How long no pair has come, for the wall-clock batch rule and the idle checkpoint. */
    private QuietInput quiet;

    private DeadLetters deadLetters;
    private TrainerMetrics trainerMetrics;
    private TrainerOutputs outputs;

    /**
     * A trainer.
     *
     * @param settings what it needs of the learner's configuration
     * @param nodes its node and store names
     * @param flush a stop's request to publish the unsaved steps
     * @param readers opens a reader of the journal topic from the application's Kafka Streams
     *     configuration, for the replay after a restart
     * @param topicIds looks up the journal topic's ID when the trainer starts
     */
    TrainingProcessor(
            TrainerSettings settings,
            TrainerNodes nodes,
            TrainerFlush flush,
            Function<Map<String, Object>, PairsTopicReader> readers,
            TopicIds topicIds) {
        this(
                settings,
                nodes,
                flush,
                readers,
                topicIds,
                settings.stepThread()
                        ? TrainerStepThread::ownThread
                        : task -> TrainerStepThread.callerThread());
    }

    /** A trainer whose steps run where {@code stepThreads} says, given the task's id. */
    TrainingProcessor(
            TrainerSettings settings,
            TrainerNodes nodes,
            TrainerFlush flush,
            Function<Map<String, Object>, PairsTopicReader> readers,
            TopicIds topicIds,
            Function<String, TrainerStepThread> stepThreads) {
        this.settings = settings;
        this.stepThreads = stepThreads;
        this.nodes = nodes;
        this.flush = flush;
        this.readers = readers;
        this.topicIds = topicIds;
        this.trainerViews = new TrainerViews(settings.source());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        // Stream threads start with autograd recording on; the training step turns it on for
        // itself.
        Djl.disableGradientsOnThisThread();
        deadLetters = new DeadLetters(context, nodes.name(), nodes.deadLettersSink());
        trainerMetrics = new TrainerMetrics(context, settings.collapseThresholds());
        outputs = new TrainerOutputs(context, settings, nodes, deadLetters, trainerMetrics);
        KeyValueStore<String, byte[]> state = context.getStateStore(nodes.stateStore());
        checkpoints = new TrainerCheckpoints(context, settings, nodes, state);
        journal =
                new TrainerJournal(
                        state,
                        settings.journalTopic(),
                        topicIds.of(context.appConfigs(), settings.journalTopic()),
                        settings.pairsTopic(),
                        settings.inputDim());
        versions = new TrainerVersions(context, settings, nodes, state);
        trainer = checkpoints.restoreOrCreate();
        // Counted as soon as it exists: close() uncounts it even when replay below fails.
        flush.trainerStarted();
        replay =
                new TrainerReplay(
                        settings.replay(),
                        new ReplayBufferStore(state),
                        trainer.config().seed(),
                        trainer::step,
                        this::step,
                        trainerMetrics);
        if (!journal.replay(
                () -> readers.apply(context.appConfigs()), this::trainBatch, trainer::step)) {
            // The cursor lists batches it could not replay, and a second crash would replay none
            // trained after them: checkpoint the weights as they are (published with the first
            // record or punctuation).
            checkpoint();
            journal.save();
        }
        steps = stepThreads.apply(context.taskId().toString());
        initialised = true;
        quiet = new QuietInput(settings.batchWindowMs(), context.currentSystemTimeMs());
        context.schedule(
                Duration.ofMillis(quiet.checkIntervalMs()),
                PunctuationType.WALL_CLOCK_TIME,
                this::punctuate);
    }

    @Override
    public void process(Record<String, TrainingPair> record) {
        publishFinished();
        publishCheckpointIfBehind();
        long offset = context().recordMetadata().orElseThrow().offset();
        TrainerJournal.Delivery delivery = journal.deliver(offset, record.value());
        if (delivery == TrainerJournal.Delivery.OF_ANOTHER_WIDTH) {
            outputs.deadLetterOfAnotherWidth(record.value(), offset);
        }
        if (delivery != TrainerJournal.Delivery.TAKEN) {
            return;
        }
        quiet.arrived(context().currentSystemTimeMs());
        while (journal.waiting() >= settings.batchSize()) {
            train(settings.batchSize());
        }
        if (journal.waiting() >= 2
                && record.timestamp() - journal.firstWaitingTimestamp()
                        >= settings.batchWindowMs()) {
            train(journal.waiting());
        }
    }

    private void punctuate(long now) {
        publishFinished();
        publishCheckpointIfBehind();
        long quietMs = quiet.quietMs(now);
        if (journal.waiting() >= 2 && quietMs >= settings.batchWindowMs()) {
            train(journal.waiting());
        }
        // A stream that stops between checkpoints would leave its last steps out of the model topic
        // until the next record; once no pair has come for a while, checkpoint them.
        if (journal.waiting() < 2 && !steps.busy() && quietMs >= settings.checkpointIdleMs()) {
            publishUnsavedSteps();
        }
        // A stop waits for this before it closes Kafka Streams: close() could not forward.
        if (flush.requested()) {
            finishStep();
            publishUnsavedSteps();
            flush.flushed();
        }
    }

    /**
     * Starts the step of the next {@code count} waiting pairs once the step in flight has ended,
     * and publishes that one while the new one runs: steps run one at a time and are published in
     * order.
     */
    private void train(int count) {
        TrainerJournal.Batch batch = journal.take(count);
        TrainerStepThread.Finished previous = steps.busy() ? steps.await() : null;
        if (previous != null && checkpointDue(previous)) {
            publish(previous); // a checkpoint reads the model: before the next step starts
            previous = null;
        }
        steps.start(batch, trainer::step, () -> trainBatch(batch.pairs()));
        if (previous != null) {
            publish(previous); // while the next step runs: the step thread does not wait for it
        }
        if (flush.requested()) {
            finishStep(); // a stop is coming: each step is published, and checkpointed, at once
        } else {
            publishFinished();
        }
        if (steps.busy() && finishedStepCheck == null) {
            // A step that ends while no pair comes would wait for the next punctuation; checked
            // only while one is in flight (a punctuation makes Kafka Streams commit).
            finishedStepCheck =
                    context()
                            .schedule(
                                    FINISHED_STEP_CHECK,
                                    PunctuationType.WALL_CLOCK_TIME,
                                    now -> publishFinished());
        }
    }

    /** Waits for the step in flight, if any, and publishes it. */
    private void finishStep() {
        if (steps.busy()) {
            publish(steps.await());
        }
    }

    /** Publishes the step in flight if it has finished. */
    private void publishFinished() {
        if (steps.hasFinished()) {
            publish(steps.await());
        }
    }

    /**
     * Whether publishing {@code step} checkpoints: every {@code checkpoint.interval.steps} (replay
     * steps can carry the step over a multiple of the interval without landing on it), and at every
     * step once a stop asked.
     */
    private boolean checkpointDue(TrainerStepThread.Finished step) {
        long interval = settings.checkpointIntervalSteps();
        return step.stepAfter() > step.stepBefore()
                && (step.stepAfter() / interval > step.stepBefore() / interval
                        || flush.requested());
    }

    /**
     * Publishes what a step produced, checkpoints when due (only while no other step runs: the
     * checkpoint reads the model), and saves the cursor with it.
     */
    private void publish(TrainerStepThread.Finished step) {
        if (finishedStepCheck != null) {
            finishedStepCheck.cancel();
            finishedStepCheck = null;
        }
        TrainerJournal.Batch batch = step.batch();
        outputs.publish(batch, step.result(), step.endNanos());
        journal.trained(batch);
        // Never while a step runs: train() publishes a step that is due before the next starts,
        // and a stop that asks meanwhile gets its checkpoint from the flush, after the step.
        if (checkpointDue(step) && !steps.busy()) {
            publishCheckpoint(checkpoint());
        }
        journal.save();
    }

    /**
     * Trains an incoming batch, then its replay steps: what the journal's replay after a restart
     * runs again for each batch it lists.
     *
     * @return the incoming batch's step
     */
    private StepResult trainBatch(List<TrainingPair> batch) {
        StepResult result = step(batch);
        replay.afterBatch(batch, result);
        return result;
    }

    private StepResult step(List<TrainingPair> batch) {
        float[][][] views = trainerViews.of(batch, trainer.step());
        return trainer.step(views[0], views[1]);
    }

    /**
     * Saves the trainer to its store; the cursor then covers every pair trained.
     *
     * @return the checkpoint saved
     */
    private byte[] checkpoint() {
        byte[] checkpoint = checkpoints.save(trainer);
        replay.save(trainer.step());
        trainerMetrics.recordCheckpoint(trainer.step(), context().currentSystemTimeMs());
        journal.checkpointed(trainer.step());
        return checkpoint;
    }

    /** Publishes the stored checkpoint, of the cursor's checkpoint step. */
    private void publishCheckpoint(byte[] checkpoint) {
        long step = journal.checkpointStep();
        Headers headers = checkpoints.publish(checkpoint, step, trainer.spec().toString());
        journal.published(step);
        versions.promoteIfDue(checkpoint, headers);
    }

    /** Checkpoints and publishes the steps trained since the last checkpoint, if any. */
    private void publishUnsavedSteps() {
        if (journal.hasUnsavedSteps()) {
            publishCheckpoint(checkpoint());
            journal.save();
        }
    }

    /**
     * A checkpoint written while closing could not be sent then (a closing processor cannot
     * forward); send it with the first record or punctuation after the restart.
     */
    private void publishCheckpointIfBehind() {
        if (journal.isPublishingBehind()) {
            publishCheckpoint(checkpoints.stored());
            journal.save();
        }
    }

    /** The trainer, for tests that compare weights. */
    VicregTrainer trainer() {
        return trainer;
    }

    @Override
    public void close() {
        if (trainer == null) {
            return;
        }
        // A step left unpublished is in the weights but in no cursor: checkpointing them would
        // train its batch twice. The journal topic trains it again after the restart.
        boolean unpublishedStep = steps != null && steps.stop();
        try {
            if (unpublishedStep) {
                log.info("Closed with an unpublished step: not checkpointed on close");
            } else if (initialised && journal.hasUnsavedSteps()) {
                checkpoint();
                journal.save();
                // In the store only (a closing processor cannot forward): the model topic gets it
                // with the first record or punctuation after the restart.
                log.info("Checkpointed on close: step=[{}]", trainer.step());
            }
        } catch (RuntimeException e) {
            // The journal topic still holds every batch since the last checkpoint: nothing is lost.
            log.warn(
                    "Could not checkpoint on close; the journal topic will be replayed on restart",
                    e);
        } finally {
            trainer.close();
            trainer = null;
            steps = null;
            finishedStepCheck = null;
            initialised = false;
            deadLetters.close();
            trainerMetrics.close();
            flush.trainerClosed();
        }
    }
}
