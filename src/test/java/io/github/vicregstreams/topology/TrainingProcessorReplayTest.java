package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.EnumNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The trainer with replay on: a restart in the middle of a run (a crash, or a clean close) reaches
 * the same weights, bit for bit, as a run that never stopped, and every incoming pair is embedded
 * once.
 */
class TrainingProcessorReplayTest {

    /** One learner's stores and pairs topic, shared by the processors of its restarts. */
    private static final class Learner {
        final LearnerConfig config;
        final InMemoryPairsTopic pairsTopic = new InMemoryPairsTopic();
        final KeyValueStore<String, byte[]> state =
                TestStores.inMemory(
                        LearnerTopology.TRAINER_STATE_STORE, Serdes.String(), Serdes.ByteArray());
        final KeyValueStore<String, byte[]> latestModel =
                TestStores.inMemory(
                        LearnerTopology.LATEST_MODEL_STORE, Serdes.String(), Serdes.ByteArray());

        /** Whether the pairs are raw samples, whose views the trainer draws (train.source). */
        final boolean samples;

        Learner(ReplayEviction eviction) {
            this(eviction, false);
        }

        Learner(ReplayEviction eviction, boolean samples) {
            this.samples = samples;
            Map<String, Object> values = new HashMap<>();
            if (samples) {
                values.put(LearnerConfig.TRAIN_SOURCE_CONFIG, "samples");
            }
            values.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM);
            values.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16);
            values.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8);
            values.put(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 4);
            values.put(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 5);
            values.put(LearnerConfig.DEVICE_CONFIG, "cpu");
            // Outputs at once; TrainingProcessorRestartTest crashes a step on its own thread.
            values.put(LearnerConfig.TRAIN_STEP_THREAD_CONFIG, false);
            if (eviction != null) {
                values.put(LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, 10);
                values.put(LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG, 2);
                values.put(LearnerConfig.TRAIN_REPLAY_BATCH_SIZE_CONFIG, 6);
                values.put(LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG, EnumNames.of(eviction));
            }
            config = LearnerConfig.of(values);
        }

        TrainingProcessor start(MockProcessorContext<Object, Object> context) {
            TrainingProcessor processor =
                    new TrainingProcessor(
                            TrainerSettings.from(config),
                            LearnerTopology.TRAINER_NODES,
                            new TrainerFlush(),
                            configs -> pairsTopic.reader(),
                            pairsTopic.topicIds());
            context.setCurrentSystemTimeMs(0);
            state.init(context.getStateStoreContext(), state);
            context.addStateStore(state);
            latestModel.init(context.getStateStoreContext(), latestModel);
            context.addStateStore(latestModel);
            processor.init(context);
            return processor;
        }

        /** Pairs {@code from} to {@code from + n - 1}, in one committed transaction. */
        void send(
                MockProcessorContext<Object, Object> context,
                TrainingProcessor p,
                int from,
                int n) {
            for (int i = from; i < from + n; i++) {
                String id = "p" + i;
                TrainingPair pair =
                        samples
                                ? TrainingPair.sample(id, 10, null, LearnerDriver.features(id, 0))
                                : new TrainingPair(
                                        id,
                                        10,
                                        null,
                                        LearnerDriver.features(id, 0),
                                        LearnerDriver.features(id, 1));
                long offset = pairsTopic.append(pair);
                context.setRecordMetadata("pairs", 0, offset);
                p.process(new Record<>(id, pair, 10));
            }
            pairsTopic.commit();
        }
    }

    private static final int PAIRS = 49;

    /** The weights after all {@link #PAIRS} pairs, in transactions of 7, without a stop. */
    private static byte[] uninterrupted(ReplayEviction eviction) {
        return uninterrupted(new Learner(eviction));
    }

    private static byte[] uninterrupted(Learner learner) {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        TrainingProcessor processor = learner.start(context);
        for (int from = 0; from < PAIRS; from += 7) {
            learner.send(context, processor, from, Math.min(7, PAIRS - from));
        }
        byte[] weights = processor.trainer().checkpoint();
        processor.close();
        return weights;
    }

    /** The batches trained since the stored checkpoint, which a restart trains again. */
    private static int unsavedBatches(Learner learner) {
        return TrainerCursor.decode(learner.state.get(TrainerJournal.CURSOR_KEY)).batches().size();
    }

    private static List<MetricsEvent> metrics(MockProcessorContext<Object, Object> context) {
        return context.forwarded(LearnerTopology.METRICS_SINK).stream()
                .map(f -> (MetricsEvent) f.record().value())
                .toList();
    }

    private static List<String> embedded(MockProcessorContext<Object, Object> context) {
        return context.forwarded(LearnerTopology.EMBEDDINGS_SINK).stream()
                .map(f -> String.valueOf(f.record().key()))
                .toList();
    }

    /**
     * Crashes (no close) after 35 pairs: 8 batches of 3 steps each (the incoming one and 2 replay
     * steps), a checkpoint at step 21 (the first past 20), the 8th batch after it and 3 pairs
     * waiting; the stores hold what was committed.
     *
     * @param forgetBuffer whether the restart finds no buffer in the store, as if it had not been
     *     saved with the checkpoint
     */
    private static byte[] crashedAndRestarted(ReplayEviction eviction, boolean forgetBuffer) {
        return crashedAndRestarted(new Learner(eviction), forgetBuffer);
    }

    private static byte[] crashedAndRestarted(Learner learner, boolean forgetBuffer) {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor crashed = learner.start(first);
        for (int from = 0; from < 35; from += 7) {
            learner.send(first, crashed, from, 7);
        }
        long stepAtCrash = crashed.trainer().step();
        assertThat(unsavedBatches(learner)).isEqualTo(1);
        byte[] weightsAtCrash = crashed.trainer().checkpoint();
        crashed.trainer().close();
        if (forgetBuffer) {
            learner.state.delete(ReplayBufferStore.SUMMARY_KEY);
        }

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = learner.start(second);
        assertThat(restarted.trainer().step()).isEqualTo(stepAtCrash);
        if (!forgetBuffer) {
            assertThat(restarted.trainer().checkpoint()).isEqualTo(weightsAtCrash);
        }
        assertThat(embedded(second)).isEmpty(); // the journal's batches publish nothing again
        for (int from = 35; from < PAIRS; from += 7) {
            learner.send(second, restarted, from, Math.min(7, PAIRS - from));
        }
        byte[] weights = restarted.trainer().checkpoint();
        restarted.close();
        return weights;
    }

    @ParameterizedTest
    @EnumSource(ReplayEviction.class)
    void shouldReachTheWeightsOfAnUninterruptedRunAfterACrash(ReplayEviction eviction) {
        assertThat(crashedAndRestarted(eviction, false)).isEqualTo(uninterrupted(eviction));
    }

    @Test
    void shouldReachThemAfterACrashWhenTheTrainerDrawsTheViewsOfRawSamples() {
        // Replayed samples get new views at each step: the draws must follow the step too.
        byte[] restarted = crashedAndRestarted(new Learner(ReplayEviction.RESERVOIR, true), false);
        assertThat(restarted)
                .isEqualTo(uninterrupted(new Learner(ReplayEviction.RESERVOIR, true)))
                .isNotEqualTo(uninterrupted(ReplayEviction.RESERVOIR));
    }

    @Test
    void shouldNotReachThemWithoutTheBufferSavedWithTheCheckpoint() {
        // What the test above checks: without the buffer the journal's replay steps draw other
        // pairs.
        assertThat(crashedAndRestarted(ReplayEviction.RESERVOIR, true))
                .isNotEqualTo(uninterrupted(ReplayEviction.RESERVOIR));
    }

    @ParameterizedTest
    @EnumSource(ReplayEviction.class)
    void shouldReachTheWeightsOfAnUninterruptedRunAfterACleanClose(ReplayEviction eviction) {
        Learner learner = new Learner(eviction);
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        TrainingProcessor closed = learner.start(first);
        for (int from = 0; from < 35; from += 7) {
            learner.send(first, closed, from, 7);
        }
        assertThat(unsavedBatches(learner)).isEqualTo(1);
        closed.close(); // checkpoints the steps since step 21, and the buffer with them
        assertThat(unsavedBatches(learner)).isZero();

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        TrainingProcessor restarted = learner.start(second);
        for (int from = 35; from < PAIRS; from += 7) {
            learner.send(second, restarted, from, Math.min(7, PAIRS - from));
        }
        byte[] weights = restarted.trainer().checkpoint();
        restarted.close();

        assertThat(weights).isEqualTo(uninterrupted(eviction));
    }

    @Test
    void shouldEmbedEachIncomingPairOnceAndCountReplayStepsInTheStep() {
        Learner learner = new Learner(ReplayEviction.FIFO);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        TrainingProcessor processor = learner.start(context);

        learner.send(context, processor, 0, 16); // 4 incoming batches

        assertThat(embedded(context))
                .containsExactlyElementsOf(IntStream.range(0, 16).mapToObj(i -> "p" + i).toList());
        // One metrics event per incoming batch; its step is the incoming step's, and the two
        // replay steps after each batch (the first has a buffer of 4 pairs) count in the next.
        assertThat(metrics(context))
                .extracting(MetricsEvent::step)
                .containsExactly(1L, 4L, 7L, 10L);
        assertThat(metrics(context)).extracting(MetricsEvent::batchSize).containsOnly(4);
        assertThat(processor.trainer().step()).isEqualTo(12);
        processor.close();
    }

    @Test
    void shouldTrainAsWithoutReplayWhenItIsOff() {
        Learner learner = new Learner(null);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        TrainingProcessor processor = learner.start(context);

        learner.send(context, processor, 0, 16);

        assertThat(metrics(context)).extracting(MetricsEvent::step).containsExactly(1L, 2L, 3L, 4L);
        assertThat(learner.state.get(ReplayBufferStore.SUMMARY_KEY)).isNull();
        processor.close();
    }
}
