package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.MetricsEvent;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restarts of the trainer on the same stores: as after a clean shutdown, and as after a crash
 * (no close), when the stores hold what the last committed transaction wrote.
 */
class TrainingProcessorRestartTest {

  private LearnerConfig config;
  private KeyValueStore<Long, TrainingPair> journal;
  private KeyValueStore<String, byte[]> state;
  private KeyValueStore<String, byte[]> latestModel;

  @BeforeEach
  void stores() {
    config =
        LearnerConfig.of(
            Map.of(
                LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM,
                LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16,
                LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8,
                LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 4,
                LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 2,
                LearnerConfig.DEVICE_CONFIG, "cpu"));
    journal =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LearnerTopology.PAIR_JOURNAL_STORE),
                Serdes.Long(),
                TrainingPair.serde())
            .withLoggingDisabled()
            .build();
    state =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LearnerTopology.TRAINER_STATE_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    latestModel =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LearnerTopology.LATEST_MODEL_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
  }

  /** A processor on the shared stores, as a new task instance would be after a restart. */
  private TrainingProcessor start(MockProcessorContext<Object, Object> context) {
    context.setCurrentSystemTimeMs(0);
    journal.init(context.getStateStoreContext(), journal);
    state.init(context.getStateStoreContext(), state);
    context.addStateStore(journal);
    context.addStateStore(state);
    // The global store of the model topic, empty: nothing published.
    latestModel.init(context.getStateStoreContext(), latestModel);
    context.addStateStore(latestModel);
    TrainingProcessor processor = new TrainingProcessor(config);
    processor.init(context);
    return processor;
  }

  private static void sendPairs(TrainingProcessor processor, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      String id = prefix + i;
      processor.process(
          new Record<>(
              id,
              new TrainingPair(
                  id, 10, null, LearnerDriver.features(id, 0), LearnerDriver.features(id, 1)),
              10));
    }
  }

  private static List<Long> steps(MockProcessorContext<Object, Object> context) {
    return context.forwarded(LearnerTopology.METRICS_SINK).stream()
        .map(f -> ((MetricsEvent) f.record().value()).step())
        .toList();
  }

  private static List<Long> publishedCheckpointSteps(MockProcessorContext<Object, Object> context) {
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
    sendPairs(before, "a", 12);
    assertThat(steps(first)).containsExactly(1L, 2L, 3L);
    byte[] weightsAtClose = before.trainer().checkpoint();
    before.close();

    MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
    TrainingProcessor after = start(second);

    assertThat(after.trainer().step()).isEqualTo(3);
    assertThat(after.trainer().checkpoint()).isEqualTo(weightsAtClose);
    sendPairs(after, "b", 4);
    assertThat(steps(second)).containsExactly(4L);
    // The checkpoint taken on close is published with the first record after the restart.
    assertThat(publishedCheckpointSteps(second)).containsExactly(3L, 4L);
    after.close();
  }

  @Test
  void shouldReplayTheJournalAfterACrashAndReachTheSameWeights() {
    MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
    TrainingProcessor crashed = start(first);
    sendPairs(crashed, "a", 14); // steps 1..3; checkpoint at 2; 2 pairs waiting
    byte[] weightsAtCrash = crashed.trainer().checkpoint();
    // No close: the process died. The stores hold what was committed.

    MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
    TrainingProcessor restarted = start(second);

    assertThat(restarted.trainer().step()).isEqualTo(3);
    assertThat(restarted.trainer().checkpoint()).isEqualTo(weightsAtCrash);
    assertThat(steps(second)).isEmpty(); // replay publishes nothing
    sendPairs(restarted, "b", 2); // completes the batch with the 2 pairs that waited
    assertThat(steps(second)).containsExactly(4L);
    assertThat(second.forwarded(LearnerTopology.EMBEDDINGS_SINK)).hasSize(4);
    restarted.close();
    crashed.trainer().close();
  }
}
