package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.FeatureEventParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task that stops with samples in its inference buffer — cleanly or by a crash — embeds them when
 * it starts again on the same (restored) stores: nothing whose offset was committed is lost.
 */
class EmbedSamplesProcessorRestartTest {

    private LearnerConfig config;
    private ModelWeightsCache weights;
    private KeyValueStore<Long, PendingSample> buffer;
    private KeyValueStore<String, byte[]> latestModel;
    private EmbedSamplesProcessor running;

    @BeforeEach
    void stores() {
        config =
                LearnerConfig.of(
                        Map.of(
                                LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM,
                                LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16,
                                LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8,
                                LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 4,
                                LearnerConfig.DEVICE_CONFIG, "cpu"));
        weights = new ModelWeightsCache(config.trainerConfig(), config.device());
        buffer =
                TestStores.inMemory(
                        LearnerTopology.INFERENCE_BUFFER_STORE,
                        Serdes.Long(),
                        PendingSample.serde());
        latestModel =
                TestStores.inMemory(
                        LearnerTopology.LATEST_MODEL_STORE, Serdes.String(), Serdes.ByteArray());
    }

    @AfterEach
    void close() {
        if (running != null) {
            running.close();
        }
    }

    private EmbedSamplesProcessor start(MockProcessorContext<Object, Object> context) {
        buffer.init(context.getStateStoreContext(), buffer);
        latestModel.init(context.getStateStoreContext(), latestModel);
        context.addStateStore(buffer);
        context.addStateStore(latestModel);
        EmbedSamplesProcessor processor =
                new EmbedSamplesProcessor(
                        FeatureEventParser.samples(LearnerDriver.INPUT_DIM),
                        InferenceSettings.from(config),
                        weights,
                        LearnerTopology.INFERENCE_NODES);
        processor.init(context);
        return processor;
    }

    private static void send(EmbedSamplesProcessor processor, String id, long offset) {
        String json = LearnerDriver.sampleJson(id, LearnerDriver.features(id, 0), null);
        processor.process(
                new Record<>(
                        id.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8),
                        offset));
    }

    private static List<String> embedded(MockProcessorContext<Object, Object> context) {
        return context.forwarded(LearnerTopology.SAMPLE_EMBEDDINGS_SINK).stream()
                .map(f -> ((EmbeddingEvent) f.record().value()).id())
                .toList();
    }

    @Test
    void shouldEmbedTheSamplesThatWaitedWhenTheTaskCrashed() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        send(crashed, "w0", 0);
        send(crashed, "w1", 1);
        assertThat(embedded(first)).isEmpty();
        // No close: the stores hold what the last committed transaction wrote.

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        send(running, "w2", 2);
        send(running, "w3", 3);

        assertThat(embedded(second)).containsExactly("w0", "w1", "w2", "w3");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void shouldEmbedWaitingSamplesAtTheLingerPunctuation() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        send(running, "a", 0);

        MockProcessorContext.CapturedPunctuator linger = context.scheduledPunctuators().get(0);
        assertThat(linger.getInterval().toMillis()).isEqualTo(config.inferenceBatchLingerMs());
        linger.getPunctuator().punctuate(20);

        assertThat(embedded(context)).containsExactly("a");
        assertThat(buffer.approximateNumEntries()).isZero();
    }
}
