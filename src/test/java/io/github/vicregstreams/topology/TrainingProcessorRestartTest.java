package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.events.Reason;
import io.github.vicregstreams.vicreg.Djl;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restarts of the trainer on the same stores: as after a clean shutdown, and as after a crash (no
 * close), when the stores hold what the last committed transaction wrote.
 */
class TrainingProcessorRestartTest {

    private LearnerConfig config;

    private InMemoryPairsTopic pairsTopic = new InMemoryPairsTopic();

    /** Whether reading the pairs topic fails, as when the broker is unreachable at start-up. */
    private KeyValueStore<String, byte[]> state;

    private KeyValueStore<String, byte[]> latestModel;

    @BeforeEach
    void stores() {
        config = withSettings(Map.of());
        state =
                TestStores.inMemory(
                        LearnerTopology.TRAINER_STATE_STORE, Serdes.String(), Serdes.ByteArray());
        latestModel =
                TestStores.inMemory(
                        LearnerTopology.LATEST_MODEL_STORE, Serdes.String(), Serdes.ByteArray());
    }

    private static LearnerConfig withSettings(Map<String, Object> more) {
        Map<String, Object> settings =
                new HashMap<>(
                        Map.of(
                                LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM,
                                LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16,
                                LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8,
                                LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 4,
                                LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 2,
                                LearnerConfig.DEVICE_CONFIG, "cpu"));
        // Steps on the stream thread, outputs at once, unless a test says otherwise.
        settings.put(LearnerConfig.TRAIN_STEP_THREAD_CONFIG, false);
        settings.putAll(more);
        return LearnerConfig.of(settings);
    }

    /** A processor of the current config on the pairs topic, not yet initialised. */
    private TrainingProcessor processor() {
        return new TrainingProcessor(
                TrainerSettings.from(config),
                LearnerTopology.TRAINER_NODES,
                new TrainerFlush(),
                configs -> pairsTopic.reader(),
                pairsTopic.topicIds());
    }

    /** A processor on the shared stores, as a new task instance would be after a restart. */
    private TrainingProcessor start(MockProcessorContext<Object, Object> context) {
        TrainingProcessor processor = processor();
        initialise(processor, context);
        return processor;
    }

    /**
     * A processor whose steps run on {@code stepThread}, asked to publish them by {@code flush}.
     */
    private TrainingProcessor start(
            MockProcessorContext<Object, Object> context,
            TrainerStepThread stepThread,
            TrainerFlush flush) {
        TrainingProcessor processor =
                new TrainingProcessor(
                        TrainerSettings.from(config),
                        LearnerTopology.TRAINER_NODES,
                        flush,
                        configs -> pairsTopic.reader(),
                        pairsTopic.topicIds(),
                        task -> stepThread);
        initialise(processor, context);
        return processor;
    }

    private void initialise(
            TrainingProcessor processor, MockProcessorContext<Object, Object> context) {
        context.setCurrentSystemTimeMs(0);
        state.init(context.getStateStoreContext(), state);
        context.addStateStore(state);
        // The global store of the model topic, empty: nothing published.
        latestModel.init(context.getStateStoreContext(), latestModel);
        context.addStateStore(latestModel);
        processor.init(context);
    }

    /**
     * A crash of {@code running} (no close: the stores hold what the last transaction committed)
     * and a restart on the same stores in {@code context}, which must reach the weights it had.
     */
    private TrainingProcessor crashAndRestart(
            TrainingProcessor running, MockProcessorContext<Object, Object> context) {
        byte[] weightsAtCrash = running.trainer().checkpoint();
        running.trainer().close();
        TrainingProcessor restarted = start(context);
        assertThat(restarted.trainer().checkpoint()).isEqualTo(weightsAtCrash);
        return restarted;
    }

    /**
     * Appends pairs to the pairs topic and hands them to the trainer; each call is one committed
     * transaction (a commit marker after it), so the position is committed past them.
     */
    private void sendPairs(
            MockProcessorContext<Object, Object> context,
            TrainingProcessor processor,
            String prefix,
            int n) {
        for (int i = 0; i < n; i++) {
            String id = prefix + i;
            TrainingPair pair =
                    new TrainingPair(
                            id,
                            10,
                            null,
                            LearnerDriver.features(id, 0),
                            LearnerDriver.features(id, 1));
            long offset = pairsTopic.append(pair);
            context.setRecordMetadata("pairs", 0, offset);
            processor.process(new Record<>(id, pair, 10));
        }
        pairsTopic.commit();
    }

    private static List<Long> steps(MockProcessorContext<Object, Object> context) {
        return context.forwarded(LearnerTopology.METRICS_SINK).stream()
                .map(f -> ((MetricsEvent) f.record().value()).step())
                .toList();
    }

    private static List<Long> publishedCheckpointSteps(
            MockProcessorContext<Object, Object> context) {
        // The manifests, under the model's name; their chunks come before them.
        return context.forwarded(LearnerTopology.MODEL_SINK).stream()
                .filter(f -> f.record().key().equals("vicreg"))
                .map(f -> CheckpointHeaders.step(f.record().headers()))
                .toList();
    }

    @Test
    void shouldCheckpointOnCloseAndContinueFromItAfterARestart() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor before = start(first);
        sendPairs(first, before, "a", 12);
        assertThat(steps(first)).containsExactly(1L, 2L, 3L);
        byte[] weightsAtClose = before.trainer().checkpoint();
        before.close();

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor after = start(second);

        assertThat(after.trainer().step()).isEqualTo(3);
        assertThat(after.trainer().checkpoint()).isEqualTo(weightsAtClose);
        sendPairs(second, after, "b", 4);
        assertThat(steps(second)).containsExactly(4L);
        // The checkpoint taken on close is published with the first record after the restart.
        assertThat(publishedCheckpointSteps(second)).containsExactly(3L, 4L);
        after.close();
    }

    @Test
    void shouldReplayThePairsTopicAfterACrashAndReachTheSameWeights() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 14); // steps 1..3; checkpoint at 2; 2 pairs waiting
        byte[] weightsAtCrash = crashed.trainer().checkpoint();
        // No close: the process died. The stores hold what was committed.

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = start(second);

        assertThat(restarted.trainer().step()).isEqualTo(3);
        assertThat(restarted.trainer().checkpoint()).isEqualTo(weightsAtCrash);
        assertThat(steps(second)).isEmpty(); // replay publishes nothing
        sendPairs(second, restarted, "b", 2); // completes the batch with the 2 pairs that waited
        assertThat(steps(second)).containsExactly(4L);
        assertThat(second.forwarded(LearnerTopology.EMBEDDINGS_SINK)).hasSize(4);
        restarted.close();
        crashed.trainer().close();
    }

    @Test
    void shouldReplayAStoreThatNamesNoJournalTopicAsOneOfThePairsTopic() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 12); // steps 1..3; checkpoint at 2; step 3 to replay
        byte[] weightsAtCrash = crashed.trainer().checkpoint();
        assertThat(state.get(TrainerJournal.TOPIC_KEY)).asString().isEqualTo("vicreg.pairs");
        // As an older release left it: neither the topic's name nor its ID.
        state.delete(TrainerJournal.TOPIC_KEY);
        state.delete(TrainerJournal.TOPIC_ID_KEY);

        TrainingProcessor restarted = start(new MockProcessorContext<>());

        assertThat(restarted.trainer().checkpoint()).isEqualTo(weightsAtCrash);
        // Named at once, so that a later change of topic is seen.
        assertThat(state.get(TrainerJournal.TOPIC_KEY)).asString().isEqualTo("vicreg.pairs");
        assertThat(state.get(TrainerJournal.TOPIC_ID_KEY))
                .asString()
                .isEqualTo(pairsTopic.topicId().toString());
        restarted.close();
        crashed.trainer().close();
    }

    /**
     * The same name, another topic: deleted and created again, or a new cluster under the state
     * directory of the earlier one. Its offsets start from 0 again, below those the cursor counted:
     * without the topic ID, the trainer took its pairs for ones delivered already and trained none.
     */
    @ParameterizedTest(name = "after a clean close: {0}")
    @ValueSource(booleans = {true, false})
    void shouldTrainTheNewTopicsPairsWhenTheJournalTopicWasCreatedAgain(boolean closed) {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor before = start(first);
        sendPairs(first, before, "a", 12); // steps 1..3; checkpoint at 2
        assertThat(state.get(TrainerJournal.TOPIC_ID_KEY))
                .asString()
                .isEqualTo(pairsTopic.topicId().toString());
        if (closed) {
            before.close(); // checkpoints step 3
        } else {
            before.trainer().close(); // a crash: step 3 is listed after the checkpoint
        }

        pairsTopic.createAgain();
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor after = start(second);

        // After a crash, step 3's batch is not replayed from the new topic, whose offsets hold
        // other pairs.
        long restored = closed ? 3 : 2;
        assertThat(after.trainer().step()).isEqualTo(restored);
        sendPairs(second, after, "b", 8);
        assertThat(steps(second)).containsExactly(restored + 1, restored + 2);
        assertThat(second.forwarded(LearnerTopology.EMBEDDINGS_SINK)).hasSize(8);
        assertThat(state.get(TrainerJournal.TOPIC_ID_KEY))
                .asString()
                .isEqualTo(pairsTopic.topicId().toString());

        // And the next restart replays the new topic as any other.
        sendPairs(second, after, "c", 4); // step restored + 3, after the checkpoint
        crashAndRestart(after, new MockProcessorContext<>()).close();
    }

    /**
     * A pair of another width on the pairs topic, as a learner of another {@code model.input.dim}
     * leaves it under the same {@code topic.pairs}: dead-lettered, never trained (a step would fail
     * on it, at every start), and left out of the replay after a crash the same way.
     */
    @Test
    void shouldDeadLetterAPairOfAnotherWidthAndReplayWithoutIt() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 8); // steps 1, 2; checkpoint at 2
        float[] wide = new float[LearnerDriver.INPUT_DIM + 3];
        TrainingPair other = new TrainingPair("wide", 10, null, wide, wide.clone());
        long otherOffset = pairsTopic.append(other);
        first.setRecordMetadata("pairs", 0, otherOffset);
        crashed.process(new Record<>("wide", other, 10));
        sendPairs(first, crashed, "b", 4); // step 3, after the checkpoint, without the wide pair

        assertThat(steps(first)).containsExactly(1L, 2L, 3L);
        List<DeadLetter> deadLetters =
                first.forwarded(LearnerTopology.TRAIN_DEAD_LETTERS_SINK).stream()
                        .map(f -> (DeadLetter) f.record().value())
                        .toList();
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).reason()).isEqualTo(Reason.WRONG_FEATURE_COUNT.code());
        assertThat(deadLetters.get(0).offset()).isEqualTo(otherOffset);
        assertThat(deadLetters.get(0).detail())
                .contains("the model takes " + LearnerDriver.INPUT_DIM);
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = crashAndRestart(crashed, second);

        assertThat(restarted.trainer().step()).isEqualTo(3);
        assertThat(second.forwarded(LearnerTopology.TRAIN_DEAD_LETTERS_SINK)).isEmpty();
        restarted.close();
    }

    /** Where the ID cannot be looked up, nothing is checked: the journal replays as before. */
    @Test
    void shouldReplayAsBeforeWhenTheJournalTopicsIdIsUnknown() {
        pairsTopic.setTopicId(Uuid.ZERO_UUID);
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 12); // steps 1..3; checkpoint at 2; step 3 to replay
        assertThat(state.get(TrainerJournal.TOPIC_ID_KEY)).isNull();

        // Known at the next start: taken as the ID of the topic the cursor counted.
        pairsTopic.setTopicId(Uuid.randomUuid());
        TrainingProcessor restarted = crashAndRestart(crashed, new MockProcessorContext<>());
        assertThat(state.get(TrainerJournal.TOPIC_ID_KEY))
                .asString()
                .isEqualTo(pairsTopic.topicId().toString());

        // Unknown again: not taken for another topic.
        pairsTopic.setTopicId(Uuid.ZERO_UUID);
        crashAndRestart(restarted, new MockProcessorContext<>()).close();
    }

    @Test
    void shouldStartTheJournalAfreshFromTheCheckpointWhenTheTrainerReadsAnotherTopicNow() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 12); // steps 1..3; checkpoint at 2; step 3 to replay
        crashed.trainer().close();

        // Restarted on the pair-events topic: the pairs topic's offsets mean nothing there.
        config = withSettings(Map.of(LearnerConfig.TRAIN_SOURCE_CONFIG, "pair-events"));
        pairsTopic.failReads(true); // no replay may read it
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = start(second);

        assertThat(restarted.trainer().step()).isEqualTo(2);
        sendPairs(second, restarted, "b", 4);
        assertThat(steps(second)).containsExactly(3L);
        assertThat(state.get(TrainerJournal.TOPIC_KEY)).asString().isEqualTo("vicreg.pair-events");
        restarted.close();
    }

    /** A changed model spec under the same application id: refused, saying what to do. */
    @Test
    void shouldRefuseToContinueAStoredModelOfAnotherSpecSayingWhatToDo() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor before = start(first);
        sendPairs(first, before, "a", 8);
        before.close();

        config = withSettings(Map.of(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 32));
        TrainingProcessor after = processor();
        assertThatThrownBy(() -> initialise(after, new MockProcessorContext<>()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configure its model spec again")
                .hasMessageContaining("its own application.id");
        after.close();
    }

    @Test
    void shouldKeepThePairsThatWaitedForTheirFirstBatchThroughACrash() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 3); // committed, but no batch yet
        assertThat(steps(first)).isEmpty();

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = start(second);
        sendPairs(second, restarted, "b", 1);

        assertThat(steps(second)).containsExactly(1L);
        List<String> embedded =
                second.forwarded(LearnerTopology.EMBEDDINGS_SINK).stream()
                        .map(f -> String.valueOf(f.record().key()))
                        .toList();
        assertThat(embedded).containsExactly("a0", "a1", "a2", "b0");
        restarted.close();
        crashed.trainer().close();
    }

    @Test
    void shouldNotCheckpointOnCloseATrainerWhoseReplayFailed() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 12); // steps 1..3; checkpoint at 2; step 3 to replay
        byte[] weightsAtCrash = crashed.trainer().checkpoint();
        crashed.trainer().close();

        pairsTopic.failReads(true);
        TrainingProcessor failed = processor();
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        assertThatThrownBy(() -> initialise(failed, second))
                .isInstanceOf(IllegalStateException.class);
        failed.close(); // Kafka Streams closes a task whose init failed

        // The store still lists step 3 as trained after the checkpoint: a later start replays it.
        pairsTopic.failReads(false);
        MockProcessorContext<Object, Object> third = new MockProcessorContext<>();
        TrainingProcessor restarted = start(third);
        assertThat(restarted.trainer().step()).isEqualTo(3);
        assertThat(restarted.trainer().checkpoint()).isEqualTo(weightsAtCrash);
        restarted.close();
    }

    @Test
    void shouldGoOnFromTheCheckpointWhenRetentionDeletedThePairsToReplay() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first);
        sendPairs(first, crashed, "a", 12); // steps 1..3; checkpoint at 2
        pairsTopic.deleteBefore(pairsTopic.lastOffset() - 1); // retention: step 3's pairs are gone

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = start(second);

        assertThat(restarted.trainer().step()).isEqualTo(2);
        sendPairs(second, restarted, "b", 4);
        assertThat(steps(second)).containsExactly(3L);

        // A second crash before the next checkpoint: the batch trained since is replayed (the
        // cursor no longer lists the batch that could not be, which stopped the replay before it).
        TrainingProcessor third = crashAndRestart(restarted, new MockProcessorContext<>());
        assertThat(third.trainer().step()).isEqualTo(3);
        third.close();
        crashed.trainer().close();
    }

    @Test
    void shouldNotKeepTheWaitingPairsTwiceWhenTheSameProcessorIsInitialisedAgain() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor processor = start(first);
        sendPairs(first, processor, "a", 3);
        processor.close(); // a revived task: closed, then initialised again

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        initialise(processor, second);
        sendPairs(second, processor, "b", 1);

        List<String> embedded =
                second.forwarded(LearnerTopology.EMBEDDINGS_SINK).stream()
                        .map(f -> String.valueOf(f.record().key()))
                        .toList();
        assertThat(embedded).containsExactly("a0", "a1", "a2", "b0");
        processor.close();
    }

    /**
     * The crash the step thread makes possible: the learner dies while a step runs on its own
     * thread, after a transaction committed the consumer position past that step's pairs but not
     * its outputs. Every pair's embedding must still appear exactly once, with the value an
     * uninterrupted run gives it, and the weights must end equal to that run's; with replay on too,
     * whose steps run on the same thread.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldPublishEachEmbeddingOnceAndReachTheSameWeightsAfterACrashDuringAStepOnItsOwnThread(
            boolean replay) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.TRAIN_STEP_THREAD_CONFIG, true);
        if (replay) {
            settings.put(LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, 10);
            settings.put(LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG, 2);
        }
        config = withSettings(settings);

        // Uninterrupted: 20 pairs, 5 batches, the last step published by a stop's flush.
        MockProcessorContext<Object, Object> whole = new MockProcessorContext<>();
        TrainerFlush wholeFlush = new TrainerFlush();
        TrainingProcessor uninterrupted =
                start(whole, TrainerStepThread.ownThread("uninterrupted"), wholeFlush);
        sendPairs(whole, uninterrupted, "a", 14);
        sendPairs(whole, uninterrupted, "b", 2);
        sendPairs(whole, uninterrupted, "c", 4);
        flush(whole, wholeFlush);
        Map<String, float[]> expectedEmbeddings = embeddings(whole);
        byte[] expectedWeights = uninterrupted.trainer().checkpoint();
        assertThat(steps(whole)).hasSize(5); // one metrics event per incoming batch
        uninterrupted.close();

        // Crashed: the same pairs, but the process dies while step 4 runs.
        stores();
        config = withSettings(settings);
        pairsTopic = new InMemoryPairsTopic();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService held = holdingItsNthStep(4, holding, release);
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = start(first, TrainerStepThread.on(held), new TrainerFlush());
        sendPairs(first, crashed, "a", 14); // steps 1..3 started; checkpoint at 2
        sendPairs(first, crashed, "b", 2); // releases batch 4: step 3 is published, step 4 starts
        awaitOrFail(holding);
        assertThat(steps(first)).hasSize(3);
        // No close: the process died here, and the stores hold what the last commit wrote.

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainerFlush secondFlush = new TrainerFlush();
        TrainingProcessor restarted =
                start(second, TrainerStepThread.ownThread("restarted"), secondFlush);
        sendPairs(second, restarted, "c", 4);
        flush(second, secondFlush);

        Map<String, float[]> published = new LinkedHashMap<>(embeddings(first));
        embeddings(second)
                .forEach(
                        (id, embedding) ->
                                assertThat(published.put(id, embedding))
                                        .as("a second embedding of %s", id)
                                        .isNull());
        assertThat(published).containsOnlyKeys(expectedEmbeddings.keySet());
        expectedEmbeddings.forEach(
                (id, embedding) ->
                        assertThat(published.get(id))
                                .as("the embedding of %s", id)
                                .isEqualTo(embedding));
        assertThat(steps(second)).isEqualTo(steps(whole).subList(3, 5));
        assertThat(restarted.trainer().checkpoint()).isEqualTo(expectedWeights);
        restarted.close();

        release.countDown(); // the dead process's step ends; nothing reads it
        held.shutdown();
        awaitOrFail(held);
        crashed.trainer().close();
    }

    @Test
    void shouldNotCheckpointOnCloseAStepWhoseOutputsWereNotPublished() {
        config = withSettings(Map.of(LearnerConfig.TRAIN_STEP_THREAD_CONFIG, true));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor closed =
                start(
                        first,
                        TrainerStepThread.on(holdingItsNthStep(3, holding, release)),
                        new TrainerFlush());
        sendPairs(first, closed, "a", 12); // steps 1 and 2 published (checkpoint at 2), 3 starts
        awaitOrFail(holding);
        release.countDown();
        closed.close(); // waits for step 3, which nothing published

        assertThat(steps(first)).containsExactly(1L, 2L);
        assertThat(TrainerCursor.decode(state.get(TrainerJournal.CURSOR_KEY)).checkpointStep())
                .isEqualTo(2);
        // Step 3's pairs wait again after the restart, and are trained and published once.
        config = withSettings(Map.of()); // on the stream thread: published at once
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = start(second);
        assertThat(restarted.trainer().step()).isEqualTo(2);
        sendPairs(second, restarted, "b", 1);
        assertThat(steps(second)).containsExactly(3L);
        assertThat(embeddings(second)).containsOnlyKeys("a8", "a9", "a10", "a11");
        restarted.close();
    }

    /** Asks the trainer to publish its unsaved steps, and runs its punctuator, as a stop does. */
    private static void flush(MockProcessorContext<Object, Object> context, TrainerFlush flush) {
        flush.request();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
        assertThat(flush.await(Duration.ZERO)).isTrue();
    }

    private static Map<String, float[]> embeddings(MockProcessorContext<Object, Object> context) {
        Map<String, float[]> embeddings = new LinkedHashMap<>();
        context.forwarded(LearnerTopology.EMBEDDINGS_SINK)
                .forEach(
                        f -> {
                            EmbeddingEvent event = (EmbeddingEvent) f.record().value();
                            assertThat(embeddings.put(event.id(), event.embedding()))
                                    .as("a second embedding of %s", event.id())
                                    .isNull();
                        });
        return embeddings;
    }

    /**
     * A step thread, as {@link TrainerStepThread#ownThread} makes, whose {@code n}-th step, once
     * taken up, waits for {@code release}: the stream thread sees it running.
     */
    private static ExecutorService holdingItsNthStep(
            int n, CountDownLatch holding, CountDownLatch release) {
        AtomicInteger steps = new AtomicInteger();
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void beforeExecute(Thread thread, Runnable step) {
                Djl.disableGradientsOnThisThread(); // as on TrainerStepThread's own thread
                if (steps.incrementAndGet() == n) {
                    holding.countDown();
                    awaitOrFail(release);
                }
            }
        };
    }

    /** A wait of at most a given time that says whether what it waited for came. */
    private interface Wait {
        boolean upTo(long timeout, TimeUnit unit) throws InterruptedException;
    }

    private static void awaitOrFail(CountDownLatch latch) {
        awaitOrFail(latch::await);
    }

    private static void awaitOrFail(ExecutorService executor) {
        awaitOrFail(executor::awaitTermination);
    }

    private static void awaitOrFail(Wait wait) {
        try {
            assertThat(wait.upTo(30, TimeUnit.SECONDS)).as("waited 30 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
