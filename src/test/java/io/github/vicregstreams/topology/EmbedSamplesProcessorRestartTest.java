package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.SampleEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * A task that stops with samples waiting for a batch — cleanly or by a crash — embeds them when it
 * starts again on the same (restored) stores, reading them back from the samples topic from where
 * the batch started: nothing whose offset was committed is lost, nothing is embedded twice.
 */
class EmbedSamplesProcessorRestartTest {

    private static final String TOPIC = "samples";

    private LearnerConfig config;
    private ModelWeightsCache weights;
    private KeyValueStore<Long, byte[]> buffer;
    private KeyValueStore<String, byte[]> latestModel;
    private EmbedSamplesProcessor running;

    /** The samples topic's partition 0 as far as the tests wrote it. */
    private final List<SampleReplay.SampleRecord> topic = new ArrayList<>();

    /** The application's committed position on it, as the last committed transaction left it. */
    private long committed = -1;

    /** Where retention has deleted the topic up to. */
    private long deletedBefore;

    /** The batch starts replays were opened from. */
    private final List<BatchStart> replayedFrom = new ArrayList<>();

    private static LearnerConfig withBatchSize(int batchSize) {
        return LearnerConfig.of(
                Map.of(
                        LearnerConfig.MODEL_INPUT_DIM_CONFIG,
                        LearnerDriver.INPUT_DIM,
                        LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG,
                        16,
                        LearnerConfig.MODEL_PROJECTION_DIM_CONFIG,
                        8,
                        LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                        batchSize,
                        LearnerConfig.DEVICE_CONFIG,
                        "cpu"));
    }

    @BeforeEach
    void stores() {
        config = withBatchSize(4);
        weights = new ModelWeightsCache(config.trainerConfig(), config.device());
        buffer =
                TestStores.inMemory(
                        LearnerTopology.INFERENCE_BUFFER_STORE, Serdes.Long(), Serdes.ByteArray());
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
                        LearnerTopology.INFERENCE_NODES,
                        (appConfigs, start) -> {
                            replayedFrom.add(start);
                            return new ListReplay();
                        });
        processor.init(context);
        return processor;
    }

    /** Opens the store as a restore would, to fill it with what an earlier run left. */
    private void restored() {
        buffer.init(new MockProcessorContext<>().getStateStoreContext(), buffer);
    }

    /** Writes a record to the topic and hands it to the processor, as a stream thread would. */
    private void send(
            MockProcessorContext<Object, Object> context,
            EmbedSamplesProcessor processor,
            String key,
            String json) {
        send(context, processor, key, json.getBytes(StandardCharsets.UTF_8));
    }

    private void send(
            MockProcessorContext<Object, Object> context,
            EmbedSamplesProcessor processor,
            String key,
            byte[] value) {
        long offset = topic.size();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        topic.add(new SampleReplay.SampleRecord(offset, 1000 + offset, keyBytes, value));
        context.setRecordMetadata(TOPIC, 0, offset);
        processor.process(new Record<>(keyBytes, value, 1000 + offset));
        committed = offset + 1; // the transaction that commits this offset
    }

    private void send(
            MockProcessorContext<Object, Object> context,
            EmbedSamplesProcessor processor,
            String id) {
        send(
                context,
                processor,
                id,
                LearnerDriver.sampleJson(id, LearnerDriver.features(id, 0), null));
    }

    private static List<EmbeddingEvent> embeddings(MockProcessorContext<Object, Object> context) {
        return context.forwarded(LearnerTopology.SAMPLE_EMBEDDINGS_SINK).stream()
                .map(f -> (EmbeddingEvent) f.record().value())
                .toList();
    }

    private static List<String> embedded(MockProcessorContext<Object, Object> context) {
        return embeddings(context).stream().map(EmbeddingEvent::id).toList();
    }

    @Test
    void shouldEmbedTheSamplesThatWaitedWhenTheTaskCrashed() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        send(first, crashed, "w0");
        send(first, crashed, "w1");
        assertThat(embedded(first)).isEmpty();
        // No close: the stores hold what the last committed transaction wrote.

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        send(second, running, "w2");
        send(second, running, "w3");

        assertThat(replayedFrom).containsExactly(new BatchStart(TOPIC, 0, 0, 1000));
        assertThat(embedded(second)).containsExactly("w0", "w1", "w2", "w3");
        assertThat(embeddings(second).get(1).timestamp()).isEqualTo(1001);
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void shouldEmbedBinarySamplesThatWaitedWhenTheTaskCrashed() {
        var binary =
                EventSerdes.binarySampleEvents(FeatureEventParser.samples(LearnerDriver.INPUT_DIM))
                        .serializer();
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        send(first, crashed, "b0", binary.serialize(TOPIC, sample("b0")));
        send(first, crashed, "w1");
        // No close: the stores hold what the last committed transaction wrote.

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        send(second, running, "b2", binary.serialize(TOPIC, sample("b2")));
        send(second, running, "w3");

        assertThat(embedded(second)).containsExactly("b0", "w1", "b2", "w3");
        assertThat(replayedFrom).containsExactly(new BatchStart(TOPIC, 0, 0, 1000));
    }

    private static SampleEvent sample(String id) {
        return new SampleEvent(id, LearnerDriver.features(id, 0), null, null);
    }

    @Test
    void shouldHoldOnlyWhereTheBatchStartsWhileItFills() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        send(context, running, "dead", "{\"id\":\"dead\"}"); // dead-lettered at once
        send(context, running, "w0");
        send(context, running, "w1");
        send(context, running, "w2");

        assertThat(buffer.approximateNumEntries()).isEqualTo(1);
        assertThat(BatchStart.decode(buffer.get(BatchStart.KEY)))
                .isEqualTo(new BatchStart(TOPIC, 0, 1, 1001));

        send(context, running, "w3");

        assertThat(embedded(context)).containsExactly("w0", "w1", "w2", "w3");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void shouldSkipWithoutASecondDeadLetterTheRejectedRecordsOfTheReplayedRange() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        send(first, crashed, "w0");
        send(first, crashed, "bad", "{\"id\":\"bad\",\"features\":[1]}");
        send(first, crashed, "w1");
        assertThat(first.forwarded(LearnerTopology.SAMPLE_DEAD_LETTERS_SINK)).hasSize(1);

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        MockProcessorContext.CapturedPunctuator linger = second.scheduledPunctuators().get(0);
        linger.getPunctuator().punctuate(20);

        assertThat(embedded(second)).containsExactly("w0", "w1");
        assertThat(second.forwarded(LearnerTopology.SAMPLE_DEAD_LETTERS_SINK)).isEmpty();
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void shouldEmbedTheSampleCopiesAStoreOfTheReleaseBeforeHolds() {
        // The release before copied each waiting sample into the store under 0, 1, 2, ...
        restored();
        for (int i = 0; i < 2; i++) {
            String id = "old" + i;
            SampleEvent event = new SampleEvent(id, LearnerDriver.features(id, 0), null, null);
            buffer.put((long) i, new PendingSample(event, 500 + i, TOPIC, 0, i).encode());
        }
        topic.add(new SampleReplay.SampleRecord(0, 500, new byte[0], new byte[0]));
        topic.add(new SampleReplay.SampleRecord(1, 501, new byte[0], new byte[0]));
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        send(context, running, "w2");
        send(context, running, "w3");

        assertThat(replayedFrom).isEmpty();
        assertThat(embedded(context)).containsExactly("old0", "old1", "w2", "w3");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void shouldEmbedTheWaitingSamplesRetentionLeftWhenItDeletedTheFirst() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        send(first, crashed, "w0");
        send(first, crashed, "w1");
        send(first, crashed, "w2");
        deletedBefore = 2; // while the learner was down

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        second.scheduledPunctuators().get(0).getPunctuator().punctuate(20);

        assertThat(embedded(second)).containsExactly("w2");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    /**
     * A batch start after the committed position: the group's offsets were reset or expired, or the
     * store is another cluster's. Failing here stopped the learner at every start; the task reads
     * nothing back, drops the start, and embeds what Kafka Streams delivers.
     */
    @Test
    void shouldReadNothingBackFromABatchStartAfterTheCommittedPositionAndGoOn() {
        restored();
        buffer.put(BatchStart.KEY, new BatchStart(TOPIC, 0, 7, 1000).encode());
        committed = -1; // none: expired, or a new cluster

        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(20);

        assertThat(embedded(context)).isEmpty();
        assertThat(buffer.get(BatchStart.KEY)).isNull();
        send(context, running, "n0");
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(40);
        assertThat(embedded(context)).containsExactly("n0");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    /**
     * A batch left waiting by a run of a larger {@code inference.batch.size}, and a restart with 1:
     * the store was not read then, so the waiting samples got no embedding, and a later run with a
     * larger size again replayed everything since that old batch start.
     */
    @Test
    void shouldEmbedWhatARunOfALargerBatchSizeLeftWaitingWhenTheBatchSizeIsNowOne() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        send(first, crashed, "w0");
        send(first, crashed, "w1");
        assertThat(embedded(first)).isEmpty();

        config = withBatchSize(1);
        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        second.scheduledPunctuators().get(0).getPunctuator().punctuate(20);

        assertThat(embedded(second)).containsExactly("w0", "w1");
        assertThat(buffer.approximateNumEntries()).isZero();
        send(second, running, "n0");
        assertThat(embedded(second)).containsExactly("w0", "w1", "n0");
        assertThat(second.scheduledPunctuators().get(0).cancelled()).isTrue();
    }

    @Test
    void shouldEmbedWaitingSamplesAtTheLingerPunctuation() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        running = start(context);
        send(context, running, "a");

        MockProcessorContext.CapturedPunctuator linger = context.scheduledPunctuators().get(0);
        assertThat(linger.getInterval().toMillis()).isEqualTo(config.inferenceBatchLingerMs());
        linger.getPunctuator().punctuate(20);

        assertThat(embedded(context)).containsExactly("a");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    /** The samples topic of the test, from the committed records it holds. */
    @Test
    void shouldGiveAReplayedRecordWithAnInvalidTimestampThePartitionTimeStreamsGaveIt() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        EmbedSamplesProcessor crashed = start(first);
        // Out of order, then invalid: UsePartitionTimeOnInvalidTimestamp gives w2 the partition's
        // time, the highest timestamp so far (2000), not the last one (1500).
        long[] topicTimestamps = {2000, 1500, -1};
        long[] streamsTimestamps = {2000, 1500, 2000};
        for (int i = 0; i < 3; i++) {
            String id = "w" + i;
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            byte[] value =
                    LearnerDriver.sampleJson(id, LearnerDriver.features(id, 0), null)
                            .getBytes(StandardCharsets.UTF_8);
            topic.add(new SampleReplay.SampleRecord(i, topicTimestamps[i], key, value));
            first.setRecordMetadata(TOPIC, 0, i);
            crashed.process(new Record<>(key, value, streamsTimestamps[i]));
            committed = i + 1;
        }

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        running = start(second);
        second.scheduledPunctuators().get(0).getPunctuator().punctuate(20);

        assertThat(embeddings(second).stream().map(EmbeddingEvent::timestamp).toList())
                .containsExactly(2000L, 1500L, 2000L);
    }

    private final class ListReplay implements SampleReplay {
        @Override
        public long committedPosition() {
            return committed;
        }

        @Override
        public long startOffset() {
            return deletedBefore;
        }

        @Override
        public List<SampleRecord> read(long from, long to) {
            return topic.subList((int) from, (int) to);
        }

        @Override
        public void close() {}
    }
}
